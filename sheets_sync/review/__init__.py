"""The quarter's review as a document: the mid-quarter and final reviews' content, read back."""
