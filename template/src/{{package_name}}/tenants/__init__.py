"""The tenant registry: each tenant's installation of the app and its users' grants."""
