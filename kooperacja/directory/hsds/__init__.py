"""HSDS 3.0 interchange of the service directory: export, import and the API's objects (docs/hsds.md)."""
