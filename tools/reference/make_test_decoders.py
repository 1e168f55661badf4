#!/usr/bin/python3
"""Tiny hand-built ONNX decoders for the generation engine's tests, and the outputs every strategy must give.

Run with Debian's Python (numpy + onnx, no onnxruntime needed):
    /usr/bin/python3 tools/reference/make_test_decoders.py
It writes tests/fixtures/Generation/<contract>/onnx/*.onnx, tests/fixtures/Generation/expected.json and the
benchmark graphs under benchmarks/Multimodal.Sdk.Benchmarks/Generation/fixtures/.

The model (the same maths in every contract, so every contract must give the same tokens):
  context rows  x_r: for the encoder-states contracts, the token embeddings E[token]; the encoder rows enter
                through encoder_hidden_states (or through Whisper's encoder cache); for the embeddings-input
                contract the caller puts the encoder rows in front of the prompt, so they live in the cache.
  per layer i:  key_r = x_r Wk_i, value_r = x_r Wv_i, cached as past_key_values.i.key/value [b, 1, past, Dh]
  at row t:     h_t = tanh(x_t Wx + sum_i (sum_{r<=t} key_r) Wq_i + (sum_{r<=t} value_r) Wo_i + c)
                c   = sum_i (sum_enc e Wk_i) Wq_i + (sum_enc e Wv_i) Wo_i   (encoder rows, same weights)
  logits_t = h_t Wout.
So the next token depends on the last token (x_t Wx), on everything in the cache (a dropped, stale or
mis-ordered cache changes the sums) and on the encoder states. The reference below recomputes every
sequence from scratch with no cache at all, in float64, which is the brute force the engine is checked against.
"""
import json
import math
import os
import itertools

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIX = os.path.join(ROOT, "tests", "fixtures", "Generation")
BENCH = os.path.join(ROOT, "benchmarks", "Multimodal.Sdk.Benchmarks", "Generation", "fixtures")

D, DH, LAYERS, SE = 6, 4, 2, 3
OPSET = 17
BIG = 2 ** 62


class Weights:
    def __init__(self, vocab, seed):
        rng = np.random.default_rng(seed)
        self.V = vocab
        self.E = rng.normal(0, 1, (vocab, D)).astype(np.float32)
        self.Wk = [rng.normal(0, 0.2, (D, DH)).astype(np.float32) for _ in range(LAYERS)]
        self.Wv = [rng.normal(0, 0.2, (D, DH)).astype(np.float32) for _ in range(LAYERS)]
        self.Wq = [rng.normal(0, 0.5, (DH, D)).astype(np.float32) for _ in range(LAYERS)]
        self.Wo = [rng.normal(0, 0.5, (DH, D)).astype(np.float32) for _ in range(LAYERS)]
        self.Wx = rng.normal(0, 1, (D, D)).astype(np.float32)
        self.Wout = (rng.normal(0, 1, (D, vocab)) * 1.5).astype(np.float32)


# ---------------------------------------------------------------- reference model (float64, no cache)

def ref_logits(w, enc, tokens):
    """Logits for the next token after `tokens` (whole sequence recomputed), encoder rows `enc` [SE, D]."""
    f = lambda a: a.astype(np.float64)
    x = f(w.E[np.array(tokens)])
    e = f(enc)
    pre = x[-1] @ f(w.Wx)
    for i in range(LAYERS):
        pre += (x.sum(0) @ f(w.Wk[i]) + e.sum(0) @ f(w.Wk[i])) @ f(w.Wq[i])
        pre += (x.sum(0) @ f(w.Wv[i]) + e.sum(0) @ f(w.Wv[i])) @ f(w.Wo[i])
    return np.tanh(pre) @ f(w.Wout)


def log_softmax(z):
    m = z.max()
    return z - m - math.log(np.exp(z - m).sum())


def check_margin(row, what):
    s = np.sort(row[np.isfinite(row)])
    assert s[-1] - s[-2] > 1e-3, f"near tie in {what}: {s[-2:]}"


def repetition(row, seq, penalty):
    row = row.copy()
    for t in set(seq):
        row[t] = row[t] * penalty if row[t] < 0 else row[t] / penalty
    return row


def no_repeat(row, seq, n):
    row = row.copy()
    if len(seq) + 1 < n:
        return row
    prefix = tuple(seq[len(seq) - n + 1:])
    for s in range(len(seq) - n + 1):
        if tuple(seq[s:s + n - 1]) == prefix:
            row[seq[s + n - 1]] = -np.inf
    return row


def processed(w, enc, seq, rep=1.0, ngram=0):
    row = ref_logits(w, enc, seq)
    if rep != 1.0:
        row = repetition(row, seq, rep)
    if ngram > 0:
        row = no_repeat(row, seq, ngram)
    return row


def greedy(w, enc, prompt, max_new, eos=(), rep=1.0, ngram=0):
    seq = list(prompt)
    score = 0.0
    for _ in range(max_new):
        row = processed(w, enc, seq, rep, ngram)
        check_margin(row, f"greedy {seq}")
        tok = int(np.argmax(row))
        score += log_softmax(row)[tok]
        seq.append(tok)
        if tok in eos:
            break
    return seq[len(prompt):], score


def beam_search(w, enc, prompt, nb, max_new, eos, lp, early, nret):
    """Hugging Face's BeamSearchScorer semantics, evaluated without any cache."""
    plen = len(prompt)
    beams = [(list(prompt), 0.0)] + [(list(prompt), -1e9)] * (nb - 1)
    hyps = []  # (score, tokens, sum)
    worst = 1e9
    done = False
    keep = max(2, 1 + len(eos)) * nb

    def add(tokens, s, glen):
        nonlocal worst
        sc = s / (glen ** lp)
        if len(hyps) < nb or sc > worst:
            hyps.append((sc, tokens, s))
            if len(hyps) > nb:
                order = sorted(range(len(hyps)), key=lambda k: hyps[k][0])
                del hyps[order[0]]
                worst = sorted(h[0] for h in hyps)[0]
            else:
                worst = min(sc, worst)

    for step in range(max_new):
        cands = []
        for b, (seq, s) in enumerate(beams):
            lsm = log_softmax(ref_logits(w, enc, seq))
            for t in range(w.V):
                cands.append((s + lsm[t], b * w.V + t, b, t))
        cands.sort(key=lambda c: (-c[0], c[1]))
        top = cands[:keep]
        gaps = [top[k][0] - cands[k + 1][0] for k in range(keep) if top[k][0] > -1e8]
        assert min(gaps) > 1e-5, "near tie in beam candidates"
        nxt = []
        glen = step + 1
        for rank, (s, _, b, t) in enumerate(top):
            if t in eos:
                if rank >= nb:
                    continue
                add(beams[b][0] + [t], s, glen)
            else:
                nxt.append((beams[b][0] + [t], s))
            if len(nxt) == nb:
                break
        best = max(c[0] for c in top)
        if len(hyps) >= nb:
            if early:
                done = True
            elif worst >= best / (glen ** lp):
                done = True
        beams = nxt
        if done:
            break
    if not done:
        for seq, s in beams:
            add(seq, s, len(seq) - plen)
    hyps.sort(key=lambda h: -h[0])
    return [{"tokens": h[1][plen:], "score": h[0], "sumLogProb": h[2]} for h in hyps[:nret]]


def warped_probs(row, temperature, top_k, top_p):
    z = row / temperature
    if top_k > 0:
        kth = np.sort(z)[-top_k]
        z = np.where(z < kth, -np.inf, z)
    p = np.exp(z - z.max())
    p /= p.sum()
    if top_p < 1.0:
        order = np.argsort(-p, kind="stable")
        cum = 0.0
        keep = np.zeros_like(p, dtype=bool)
        for t in order:
            if cum < top_p:
                keep[t] = True
            cum += p[t]
        p = np.where(keep, p, 0.0)
        p /= p.sum()
    return p


# ---------------------------------------------------------------- ONNX graphs

class G:
    def __init__(self, prefix=""):
        self.nodes, self.inits, self.n, self.prefix = [], [], 0, prefix

    def name(self, base):
        # Names must be unique across a graph and its If branches, hence the per-graph prefix.
        self.n += 1
        return f"{self.prefix}{base}_{self.n}"

    def const(self, value, dtype=np.float32, base="c"):
        nm = self.name(base)
        self.inits.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), nm))
        return nm

    def op(self, op_type, inputs, base=None, out=None, **attrs):
        o = out or self.name(base or op_type.lower())
        self.nodes.append(helper.make_node(op_type, inputs, [o], **attrs))
        return o


def tensor(name, elem, dims):
    return helper.make_tensor_value_info(name, elem, dims)


def build(w, *, embeds=False, whisper=False, mode="merged"):
    """mode: merged (If on use_cache_branch), merged_nobranch (past always fed), first (no past), with_past."""
    g = G()
    inputs, outputs = [], []
    has_past = mode != "first"
    branch = mode == "merged"
    past_dim = "past_sequence_length"
    if embeds:
        inputs.append(tensor("inputs_embeds", TensorProto.FLOAT, ["batch_size", "sequence_length", D]))
        inputs.append(tensor("attention_mask", TensorProto.INT64, ["batch_size", "total_sequence_length"]))
        inputs.append(tensor("position_ids", TensorProto.INT64, ["batch_size", "sequence_length"]))
        x = "inputs_embeds"
    else:
        inputs.append(tensor("input_ids", TensorProto.INT64, ["batch_size", "sequence_length"]))
        x = g.op("Gather", [g.const(w.E), "input_ids"], axis=0)
    wants_enc_states = not embeds and not (whisper and mode == "with_past")
    if wants_enc_states:
        inputs.append(tensor("encoder_hidden_states", TensorProto.FLOAT, ["batch_size", "encoder_sequence_length", D]))
    if branch:
        inputs.append(tensor("use_cache_branch", TensorProto.BOOL, [1]))

    dec_kinds = ["decoder.key", "decoder.value"] if whisper else ["key", "value"]
    enc_kinds = ["encoder.key", "encoder.value"] if whisper else []
    if has_past:
        for i in range(LAYERS):
            for k in dec_kinds:
                inputs.append(tensor(f"past_key_values.{i}.{k}", TensorProto.FLOAT, ["batch_size", 1, past_dim, DH]))
            for k in enc_kinds:
                inputs.append(tensor(f"past_key_values.{i}.{k}", TensorProto.FLOAT, ["batch_size", 1, "encoder_sequence_length_out", DH]))

    shape_x = g.op("Shape", [x])
    seq_len = g.op("Gather", [shape_x, g.const([1], np.int64)], axis=0)  # [1]
    neg_seq = g.op("Neg", [seq_len])
    zero1 = g.const([0], np.int64)
    big1 = g.const([BIG], np.int64)
    axis2 = g.const([2], np.int64)
    axis1 = g.const([1], np.int64)

    def empty_like(v, sub):
        return sub.op("Slice", [v, zero1, zero1, axis2])

    # Effective past per cache name, and the encoder caches (computed or reused).
    eff = {}
    enc_used = {}
    enc_present = {}

    def enc_cache(sub, i, kind):
        wm = w.Wk[i] if kind.endswith("key") else w.Wv[i]
        return sub.op("Unsqueeze", [sub.op("MatMul", ["encoder_hidden_states", sub.const(wm)]), axis1])

    if branch:
        then_g, else_g = G("then_"), G("else_")
        then_outs, else_outs, if_outs = [], [], []
        for i in range(LAYERS):
            for k in dec_kinds:
                p = f"past_key_values.{i}.{k}"
                then_outs.append(then_g.op("Identity", [p]))
                else_outs.append(empty_like(p, else_g))
                o = g.name("eff")
                if_outs.append(o)
                eff[(i, k)] = o
            for k in enc_kinds:
                p = f"past_key_values.{i}.{k}"
                then_outs.append(then_g.op("Identity", [p]))
                computed = enc_cache(else_g, i, k)
                else_outs.append(computed)
                o = g.name("encused")
                if_outs.append(o)
                enc_used[(i, k)] = o
                # The with-past branch of a real merged export outputs constant dummies for the encoder cache.
                then_outs.append(empty_like(p, then_g))
                else_outs.append(else_g.op("Identity", [computed]))
                o2 = g.name("encpresent")
                if_outs.append(o2)
                enc_present[(i, k)] = o2
        def sub_graph(sub, outs, nm):
            return helper.make_graph(sub.nodes, nm, [], [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for o in outs], sub.inits)

        g.nodes.append(helper.make_node("If", ["use_cache_branch"], if_outs,
                                        then_branch=sub_graph(then_g, then_outs, "with_past"),
                                        else_branch=sub_graph(else_g, else_outs, "no_past")))
    else:
        for i in range(LAYERS):
            for k in dec_kinds:
                eff[(i, k)] = f"past_key_values.{i}.{k}" if has_past else None
            for k in enc_kinds:
                if mode == "with_past":
                    enc_used[(i, k)] = f"past_key_values.{i}.{k}"
                else:
                    c = enc_cache(g, i, k)
                    enc_used[(i, k)] = c
                    enc_present[(i, k)] = c

    pre = g.op("MatMul", [x, g.const(w.Wx)])
    for i in range(LAYERS):
        for k in dec_kinds:
            wm = w.Wk[i] if k.endswith("key") else w.Wv[i]
            proj = w.Wq[i] if k.endswith("key") else w.Wo[i]
            new = g.op("Unsqueeze", [g.op("MatMul", [x, g.const(wm)]), axis1])
            present = f"present.{i}.{k}"
            if eff[(i, k)] is None:
                g.op("Identity", [new], out=present)
            else:
                g.op("Concat", [eff[(i, k)], new], out=present, axis=2)
            outputs.append(tensor(present, TensorProto.FLOAT, ["batch_size", 1, "present_sequence_length", DH]))
            cs = g.op("CumSum", [present, g.const(2, np.int64)])
            last = g.op("Slice", [cs, neg_seq, big1, axis2])
            sq = g.op("Squeeze", [last, axis1])
            pre = g.op("Add", [pre, g.op("MatMul", [sq, g.const(proj)])])
        for k in enc_kinds:
            proj = w.Wq[i] if k.endswith("key") else w.Wo[i]
            s = g.op("Squeeze", [g.op("ReduceSum", [enc_used[(i, k)], axis2], keepdims=1), axis1])  # [b,1,DH]
            pre = g.op("Add", [pre, g.op("MatMul", [s, g.const(proj)])])
            if (i, k) in enc_present:
                g.op("Identity", [enc_present[(i, k)]], out=f"present.{i}.{k}")
                outputs.append(tensor(f"present.{i}.{k}", TensorProto.FLOAT, ["batch_size", 1, "encoder_sequence_length_out", DH]))
        if not whisper and not embeds:
            esum = g.op("ReduceSum", ["encoder_hidden_states", axis1], keepdims=1)  # [b,1,D]
            c = g.op("Add", [g.op("MatMul", [g.op("MatMul", [esum, g.const(w.Wk[i])]), g.const(w.Wq[i])]),
                             g.op("MatMul", [g.op("MatMul", [esum, g.const(w.Wv[i])]), g.const(w.Wo[i])])])
            pre = g.op("Add", [pre, c])
    logits = g.op("MatMul", [g.op("Tanh", [pre]), g.const(w.Wout)])
    if embeds:
        # The graph checks the engine's bookkeeping: a wrong attention_mask length or position_ids shifts every logit.
        total = g.op("Shape", ["attention_mask"])
        total_len = g.op("Gather", [total, g.const([1], np.int64)], axis=0)
        past_len = g.op("Sub", [total_len, seq_len])
        mask_sum = g.op("ReduceSum", ["attention_mask", axis1], keepdims=1)  # [b,1]
        mask_err = g.op("Sub", [mask_sum, total_len])
        expected_pos = g.op("Add", [g.op("Range", [g.op("Squeeze", [past_len]), g.op("Squeeze", [total_len]), g.const(1, np.int64)]), g.const(0, np.int64)])
        pos_err = g.op("Sub", ["position_ids", expected_pos])  # [b,s]
        err = g.op("Cast", [g.op("Add", [pos_err, mask_err])], to=TensorProto.FLOAT)
        # Scaled by the token id, so an error reorders the tokens instead of shifting all logits alike.
        ramp = g.const(np.arange(w.V, dtype=np.float32) * 10.0)
        logits = g.op("Add", [logits, g.op("Mul", [g.op("Unsqueeze", [err, g.const([2], np.int64)]), ramp])])
    g.op("Identity", [logits], out="logits")
    outputs.insert(0, tensor("logits", TensorProto.FLOAT, ["batch_size", "sequence_length", w.V]))
    graph = helper.make_graph(g.nodes, "tiny_decoder", inputs, outputs, g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="make_test_decoders")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def build_embed_tokens(w):
    g = G()
    g.op("Gather", [g.const(w.E), "input_ids"], out="inputs_embeds", axis=0)
    graph = helper.make_graph(g.nodes, "embed_tokens", [tensor("input_ids", TensorProto.INT64, ["batch_size", "sequence_length"])],
                              [tensor("inputs_embeds", TensorProto.FLOAT, ["batch_size", "sequence_length", D])], g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="make_test_decoders")
    model.ir_version = 8
    return model


def save(model, folder, name):
    os.makedirs(os.path.join(folder, "onnx"), exist_ok=True)
    onnx.save(model, os.path.join(folder, "onnx", name + ".onnx"))


def write_folder(folder, w, model_type, gen):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump({"model_type": model_type, "vocab_size": w.V, "decoder_start_token_id": 0}, f, indent=2)
    with open(os.path.join(folder, "generation_config.json"), "w") as f:
        json.dump(gen, f, indent=2)


def main():
    w = Weights(8, seed=1)
    gen = {"decoder_start_token_id": 0, "bos_token_id": 0, "eos_token_id": 7, "pad_token_id": 7, "max_length": 20}
    folders = {
        "merged": [("decoder_model_merged", dict(mode="merged"))],
        "split": [("decoder_model", dict(mode="first")), ("decoder_with_past_model", dict(mode="with_past"))],
        "embeds": [("decoder_model_merged", dict(mode="merged_nobranch", embeds=True))],
        "embeds_branch": [("decoder_model_merged", dict(mode="merged", embeds=True))],
        "whisper_merged": [("decoder_model_merged", dict(mode="merged", whisper=True))],
        "whisper_split": [("decoder_model", dict(mode="first", whisper=True)), ("decoder_with_past_model", dict(mode="with_past", whisper=True))],
    }
    for name, graphs in folders.items():
        folder = os.path.join(FIX, name)
        write_folder(folder, w, "whisper" if name.startswith("whisper") else ("llava" if name.startswith("embeds") else "vision-encoder-decoder"), gen)
        for graph_name, kw in graphs:
            save(build(w, **kw), folder, graph_name)
        if name.startswith("embeds"):
            save(build_embed_tokens(w), folder, "embed_tokens")
    # A folder with an encoder but no decoder graphs: the engine must refuse it clearly.
    nodec = os.path.join(FIX, "no_decoder")
    write_folder(nodec, w, "vision-encoder-decoder", gen)
    save(build_embed_tokens(w), nodec, "encoder_model")

    rng = np.random.default_rng(11)
    enc_a = rng.normal(0, 0.7, (SE, D)).astype(np.float32)
    enc_b = rng.normal(0, 0.7, (SE, D)).astype(np.float32)
    cases = {}

    def g_case(name, prompt, max_new, eos=(), rep=1.0, ngram=0, enc=enc_a):
        toks, score = greedy(w, enc, prompt, max_new, eos, rep, ngram)
        cases[name] = {"prompt": prompt, "maxNewTokens": max_new, "eos": list(eos), "repetitionPenalty": rep,
                       "noRepeatNgramSize": ngram, "sequences": [{"tokens": toks, "sumLogProb": score}]}
        return toks

    base = g_case("greedy", [0], 10)
    # eos: the first token that has not appeared before, from the third generated token on.
    stop_at = next(i for i in range(2, len(base)) if base[i] not in base[:i])
    g_case("greedy_eos", [0], 10, eos=(base[stop_at],))
    never = next(t for t in range(w.V) if t not in base)
    first_new = next(i for i in range(1, len(base)) if base[i] not in base[:i])
    g_case("greedy_two_eos", [0], 10, eos=(never, base[first_new]))
    g_case("forced_prompt", [0, 5, 6], 6)
    g_case("batch_b", [0], 10, enc=enc_b)
    for pen in (1.3, 1.6, 2.0, 3.0):
        toks = g_case("repetition_penalty", [0], 10, rep=pen)
        if toks != base:
            break
    assert cases["repetition_penalty"]["sequences"][0]["tokens"] != base
    for n in (2, 3):
        toks = g_case("no_repeat_ngram", [0], 10, ngram=n)
        if toks != base:
            break
    assert cases["no_repeat_ngram"]["sequences"][0]["tokens"] != base
    ng = cases["no_repeat_ngram"]
    seq = ng["prompt"] + ng["sequences"][0]["tokens"]
    grams = [tuple(seq[i:i + ng["noRepeatNgramSize"]]) for i in range(len(seq) - ng["noRepeatNgramSize"] + 1)]
    assert len(grams) == len(set(grams))

    # Beam search: pick an eos that finishes some hypotheses but not all.
    # Beam search, with an eos that finishes some hypotheses early while others run to the length limit.
    def beam_case(eos_tok, nb, lp, early, nret, max_new=8):
        res = beam_search(w, enc_a, [0], nb, max_new, (eos_tok,), lp, early, nret)
        return {"prompt": [0], "maxNewTokens": max_new, "eos": [eos_tok], "numBeams": nb, "lengthPenalty": lp,
                "earlyStopping": early, "numReturnSequences": nret, "sequences": res}

    cases["beam"] = beam_case(2, 4, 1.0, False, 4)
    finished = [r["tokens"][-1] == 2 for r in cases["beam"]["sequences"]]
    assert any(finished) and not all(finished)
    cases["beam_early"] = beam_case(2, 3, 1.0, True, 3)
    cases["beam_lp2"] = beam_case(3, 4, 2.0, False, 4)
    res = cases["beam"]["sequences"]
    eos_tok = 2

    # Exhaustive: with 64 beams over 8 tokens, 3 steps and no eos, beam search must find the exact best sequences.
    allseq = []
    for toks in itertools.product(range(w.V), repeat=3):
        s, seq = 0.0, [0]
        for t in toks:
            s += log_softmax(ref_logits(w, enc_a, seq))[t]
            seq.append(t)
        allseq.append((s, list(toks)))
    allseq.sort(key=lambda a: -a[0])
    assert allseq[4][0] - allseq[5][0] > 1e-5
    cases["beam_exhaustive"] = {"prompt": [0], "maxNewTokens": 3, "eos": [], "numBeams": 64, "lengthPenalty": 0.0,
                                "earlyStopping": False, "numReturnSequences": 5,
                                "sequences": [{"tokens": t, "score": s, "sumLogProb": s} for s, t in allseq[:5]]}
    beam_ref = beam_search(w, enc_a, [0], 64, 3, (), 0.0, False, 5)
    assert [r["tokens"] for r in beam_ref] == [c["tokens"] for c in cases["beam_exhaustive"]["sequences"]]
    # Probability of every 3-token sequence, for the sampling distribution test (no eos, temperature 1).
    cases["all_three_token_sequences"] = {"prompt": [0], "sequences": [{"tokens": t, "sumLogProb": s} for s, t in allseq]}

    row0 = ref_logits(w, enc_a, [0])
    cases["sampling_first_token"] = {"prompt": [0], "temperature": 0.7, "topK": 5, "topP": 0.8,
                                     "probabilities": warped_probs(row0, 0.7, 5, 0.8).tolist()}

    expected = {"vocabSize": w.V, "hidden": D, "encoderA": enc_a.tolist(), "encoderB": enc_b.tolist(),
                "embeddings": w.E.tolist(), "cases": cases}
    with open(os.path.join(FIX, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)

    # Benchmark decoders: the same merged contract at two vocabulary sizes.
    for vocab in (64, 4096):
        bw = Weights(vocab, seed=3)
        folder = os.path.join(BENCH, f"vocab{vocab}")
        write_folder(folder, bw, "vision-encoder-decoder", {"decoder_start_token_id": 0, "eos_token_id": vocab - 1, "max_length": 64})
        save(build(bw, mode="merged"), folder, "decoder_model_merged")
    print("greedy", base, "beam eos", eos_tok, [r["tokens"] for r in res])


if __name__ == "__main__":
    main()
