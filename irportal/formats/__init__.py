"""Django's formats for the languages the product writes in other ways than Django's own (``FORMAT_MODULE_PATH``)."""
