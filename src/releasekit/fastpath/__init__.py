"""The hooks' fast path: everything that exists only so the hooks start fast (records, argv, git without subprocess)."""
