"""Example articles written for presslens (fictional events and people, real places)."""
