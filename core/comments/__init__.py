"""Comments and attached files on any plugin's record (see docs/plugins.md, "Comments and files")."""

from core.comments.models import Comment, RecordFile
from core.comments.service import (
    InputError,
    RecordRef,
    add_comment,
    add_file,
    check_upload,
    delete_file,
    list_comments,
    list_files,
    open_file,
    set_file_visibility,
    store_comment,
    store_file,
)

__all__ = [
    "Comment",
    "InputError",
    "RecordFile",
    "RecordRef",
    "add_comment",
    "add_file",
    "check_upload",
    "delete_file",
    "list_comments",
    "list_files",
    "open_file",
    "set_file_visibility",
    "store_comment",
    "store_file",
]
