"""`make run`: start Baton's services as child processes, wait for health, print where to click."""
