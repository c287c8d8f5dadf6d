"""Conditions (and, later, piping): what an earlier answer makes visible, evaluated on the server."""
