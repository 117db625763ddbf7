"""Analysis of stored results: survival of ceasefires, outcome probabilities, distributions, comparisons."""
