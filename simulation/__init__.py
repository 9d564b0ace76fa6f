"""Simulation: cadCAD adapter, ROI-feedback policies, runs, sweeps, comparison."""
