"""The ReAI API client."""
