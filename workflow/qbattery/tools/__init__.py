"""Tools outside the core: the reproduction harness (``python -m qbattery.tools.reproduce``)
and the config reference generator (``python -m qbattery.tools.config_docs``)."""
