"""Theory: symbolic payoffs, equilibria, regimes, thresholds and dynamics predictions.

Imports flow one way (reports -> simulation -> theory); nothing here imports the others.
"""
