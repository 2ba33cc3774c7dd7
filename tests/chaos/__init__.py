"""The fault-injection suite (``make chaos``; a short run inside ``make test``): see docs/chaos.md."""
