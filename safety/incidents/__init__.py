"""The log of accidents and near misses: the case model, hand entry, import of the officers' own logs, the blank
template, special investigations, and the fingerprints and summaries the log keeps."""

__all__ = ["export", "fingerprints", "imports", "investigations", "log", "model", "summaries", "template"]
