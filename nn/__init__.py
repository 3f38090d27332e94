"""ndgrad's neural-network layers (built in a later issue)."""
