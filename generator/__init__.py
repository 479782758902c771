"""Spec tooling: build the curated specs, generate the client packages, check them.

This package imports neither ``generated`` nor ``overlays``.
"""
