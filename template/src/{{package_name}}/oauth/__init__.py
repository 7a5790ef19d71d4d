"""The OAuth 2.0 authorization code flow with ReAI: launch, callback, tokens and refresh."""
