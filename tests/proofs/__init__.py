"""Proofs that records are not lost, not readable at rest, and not open to guessing."""
