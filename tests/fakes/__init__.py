"""Test doubles that answer as real services do."""
