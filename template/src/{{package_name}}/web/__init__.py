"""The HTMX user interface and the HTTP handlers of the sign-in flow."""
