"""Reports: figures, documents and the ``rosca`` command line."""
