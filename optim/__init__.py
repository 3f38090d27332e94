"""ndgrad's optimizers (built in a later issue)."""
