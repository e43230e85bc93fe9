"""TF-IDF over the segmented words of tasks, in plain Python: no index, no new dependency.

A task is its title and its body cut into index words (`search.segment.words`); a word of
the title weighs TITLE_WEIGHT, one of the body BODY_WEIGHT (a word in both, their sum).
The inverse document frequency is counted over the tasks the user may see, so nothing
about a plan outside their reach shapes what they are shown. Vectors are L2-normalised:
their dot product is the cosine similarity.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from search.segment import query_words, words

TITLE_WEIGHT = 3.0
BODY_WEIGHT = 1.0
# Cutting every task of the country (7,244 at the bench's scale) takes ≈ 1.4 s on the bench
# machine; the same texts come back on every request, so each process keeps the words of the
# texts it has cut. Keyed by the text itself: an edited task is simply a new key.
SEGMENT_MEMO = 32768

Vector = dict[str, float]


def _is_term(word: str) -> bool:
    # One character (的, 等) says nothing about a topic; a bare number (2025) neither.
    return len(word) >= 2 and not word.isdigit()


@lru_cache(maxsize=SEGMENT_MEMO)
def _cut(text: str) -> tuple[str, ...]:
    return tuple(w for w in words(text) if _is_term(w))


def task_terms(*, title: str, body: str) -> dict[str, float]:
    """The weighted term frequencies of one task."""
    found: dict[str, float] = defaultdict(float)
    for word in _cut(title):
        found[word] += TITLE_WEIGHT
    for word in _cut(body):
        found[word] += BODY_WEIGHT
    return found


def _normalised(weights: Mapping[str, float]) -> Vector:
    norm = math.sqrt(sum(v * v for v in weights.values()))
    return {k: v / norm for k, v in weights.items()} if norm else {}


@dataclass(frozen=True, slots=True)
class Doc:
    key: int
    group: int  # the plan: topics count the plans a word is shared by
    terms: dict[str, float]


@dataclass(frozen=True)
class Corpus:
    docs: dict[int, Doc]
    idf: dict[str, float]
    df: Counter[str]

    def vector(self, terms: Mapping[str, float]) -> Vector:
        return _normalised({k: v * self.idf.get(k, 0.0) for k, v in terms.items()})

    def score(self, query: Vector, doc: Doc) -> float:
        """cosine(query, vector(doc.terms)) in one pass over the document's words, without
        building its vector (a corpus of the country's tasks is scored on every request)."""
        idf, dot, norm = self.idf, 0.0, 0.0
        for term, tf in doc.terms.items():
            weight = tf * idf[term]
            norm += weight * weight
            if term in query:
                dot += weight * query[term]
        return dot / math.sqrt(norm) if norm else 0.0


def corpus_build(rows: Iterable[tuple[int, int, str, str]]) -> Corpus:
    """The corpus of (key, group, title, body) rows, with smoothed idf: a word in every task
    still weighs a little, one in a single task the most."""
    docs = {
        key: Doc(key=key, group=group, terms=task_terms(title=title, body=body))
        for key, group, title, body in rows
    }
    df: Counter[str] = Counter()
    for doc in docs.values():
        df.update(doc.terms.keys())
    n = len(docs)
    idf = {term: math.log((1 + n) / (1 + count)) + 1.0 for term, count in df.items()}
    return Corpus(docs=docs, idf=idf, df=df)


def topic_words(topic: str) -> list[str]:
    """The words every matching task must contain: the precise cut of the topic."""
    return [w for w in query_words(topic) if _is_term(w)] or query_words(topic)


def topic_vector(corpus: Corpus, topic: str) -> Vector:
    """The topic as a query: its index words (search mode, sub-words included)."""
    return corpus.vector(dict.fromkeys(_cut(topic), 1.0))


def derived_topics(corpus: Corpus, *, limit: int) -> list[str]:
    """The most distinctive words shared by tasks of at least two plans.

    A word's score is the weight of the tasks that use it (a title counts more than a
    body), times its idf: a word of every task (推进, 知识产权) scores little however common,
    a word of one plan is no comparison at all. A word inside a better-placed one that
    occurs in as many tasks (地理 in 地理标志) is the same topic and is dropped: the segmenter
    emits a long word's sub-words wherever the long word occurs, so equal counts mean the
    same tasks."""
    groups: dict[str, set[int]] = defaultdict(set)
    weight: dict[str, float] = defaultdict(float)
    for doc in corpus.docs.values():
        for term, tf in doc.terms.items():
            groups[term].add(doc.group)
            weight[term] += tf
    n = max(len(corpus.docs), 1)
    scored = sorted(
        (
            (weight[t] * corpus.idf[t] * min(len(t), 4) ** 2, t)
            for t in groups
            # Shared by two plans, and not in most tasks: such a word names no field of work.
            if len(groups[t]) >= 2 and corpus.df[t] <= max(2, n // 4)
        ),
        key=lambda x: (-x[0], x[1]),
    )
    chosen: list[str] = []
    for _score, term in scored:
        if any(
            (term in kept or kept in term) and corpus.df[term] == corpus.df[kept] for kept in chosen
        ):
            continue
        chosen.append(term)
        if len(chosen) == limit:
            break
    return chosen
