"""Evidence files: photos and documents attached to an answer, an incident or a corrective action. `files` attaches,
lists, fetches and deletes them; `targets` names what they are attached to and who may do what; `checks` judges a
file by its content and makes an image's thumbnail."""

__all__ = ["checks", "files", "targets"]
