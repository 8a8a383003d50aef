"""Text similarity shared by hot spots, repeats and reply quality: TF-IDF over character bigrams
of normalised text (Chinese needs no segmenter for this), rows L2-normalised so a dot product is
the cosine."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from quanyu.routing.text import normalise


def vectorise(texts: Sequence[str], *, ngram_range: tuple[int, int] = (2, 2)) -> sp.csr_matrix:
    """Rows of TF-IDF (sublinear tf, L2 norm) for ``texts``; an all-empty input gives zero columns."""
    if not any(t.strip() for t in texts):
        return sp.csr_matrix((len(texts), 0), dtype=np.float32)
    vec = TfidfVectorizer(
        analyzer="char", preprocessor=normalise, ngram_range=ngram_range, sublinear_tf=True, dtype=np.float32
    )
    return sp.csr_matrix(vec.fit_transform(texts))


def groups_by_similarity(x: sp.csr_matrix, threshold: float) -> np.ndarray:
    """A group number per row: rows joined when their cosine is at least ``threshold`` (connected
    components of that graph)."""
    from scipy.sparse.csgraph import connected_components

    n = x.shape[0]
    if n <= 1 or x.shape[1] == 0:
        return np.arange(n)
    sim = (x @ x.T).tocsr()
    sim.data = (sim.data >= threshold).astype(np.int8)
    sim.eliminate_zeros()
    _n, labels = connected_components(sim, directed=False)
    return np.asarray(labels)
