"""S2CAG and M-S2CAG: spectral subspace clustering of attributed graphs (KDD 2025).

``S2CAG`` (randomized SVD of the normalised smoothed representation) and ``MS2CAG``
(modularity-maximising variant), plus the official preprocessing as plain functions.
"""
from .ms2cag import MS2CAG
from .preprocessing import attribute_degree_normalize, normalize_attributes, propagation_matrix, tfidf
from .s2cag import FAITHFUL_MIN_CONDITIONING, PowerIterationAccuracyWarning, S2CAG, official_cost

__all__ = [
    "S2CAG",
    "MS2CAG",
    "official_cost",
    "PowerIterationAccuracyWarning",
    "FAITHFUL_MIN_CONDITIONING",
    "propagation_matrix",
    "tfidf",
    "attribute_degree_normalize",
    "normalize_attributes",
]
