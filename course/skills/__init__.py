"""Skills: the public skills framework (``public.py``) and the maps of skills built on it."""
