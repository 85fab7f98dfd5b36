"""The hooks' fast path: what lets an unchanged repository skip a check, importing almost nothing."""
