"""Evidence files: photos and documents attached to an answer, an incident or a corrective action."""
