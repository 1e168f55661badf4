"""Reading a zoo model's PyTorch weights back out of its committed ONNX export, for fine-tunes whose training
checkpoints are gone (they stay local under .zoo-data/, never committed). Used by tools/zoo/speech/from_onnx.py and
tools/zoo/vision/from_onnx.py.

torch.onnx.export keeps most parameters under their PyTorch names (`m.enc_layers.0.fc1.bias`, the exporting
wrapper's attribute `m.` in front); linear weights become anonymous, transposed MatMul initializers
(`onnx::MatMul_569`). Those names are fixed by the export code, so exporting a model with random weights through the
project's own export function names them the same way: matching that export's initializers against the random
weights gives the name -> parameter map (`anonymous_names`), which `fill` applies to the committed files. `compare`
then checks a re-export of the recovered model against the committed graphs, initializer by initializer."""
import numpy as np
import onnx
import torch
from onnx import numpy_helper


def initializers(path):
    """{name: ndarray} of one ONNX file's initializers."""
    return {t.name: numpy_helper.to_array(t) for t in onnx.load(path).graph.initializer}


def anonymous_names(params, graphs):
    """(graph, initializer name) -> (parameter name, transposed) for the anonymous initializers of an export of
    random weights. params: {name: ndarray} of that model; graphs: {graph: initializers(...)} of its export.
    Names are per graph (the encoder and the decoder may both hold an `onnx::MatMul_578`)."""
    out = {}
    for g, inits in graphs.items():
        for name, a in inits.items():
            if not name.startswith("onnx::"):
                continue
            hits = [(k, tr) for k, p in params.items() for tr in (False, True)
                    if (p.T if tr else p).shape == a.shape and np.array_equal(p.T if tr else p, a)]
            if len(hits) == 1:
                out[g, name] = hits[0]
            elif a.ndim == 2:
                raise SystemExit(f"{g}: {name} {a.shape} matches {len(hits)} parameters")
    return out


def fill(state_dict, graphs, anon, prefix="m."):
    """Copies the committed initializers into state_dict (named ones by their name without `prefix`, anonymous ones
    through `anon`); returns the keys filled. graphs: {graph: initializers(...)} of the committed files."""
    filled = set()
    for g, inits in graphs.items():
        for name, a in inits.items():
            if name.startswith(prefix):
                key, tr = name[len(prefix):], False
            elif (g, name) in anon:
                key, tr = anon[g, name]
            else:
                continue  # shape constants and the like
            if key not in state_dict:
                continue
            v = torch.from_numpy(np.array(a.T if tr else a, order="C"))  # ascontiguousarray would make a scalar 1-d
            if v.shape != state_dict[key].shape:
                raise SystemExit(f"{g}: {name} -> {key}: shape {tuple(v.shape)} != {tuple(state_dict[key].shape)}")
            state_dict[key] = v
            filled.add(key)
    return filled


def compare(mine, theirs):
    """Every initializer of the committed graphs (theirs) against a re-export (mine), both {graph: initializers}:
    (number compared, largest |diff|); exits when one has no counterpart of the same shape and type."""
    n, worst = 0, 0.0
    for g, inits in theirs.items():
        for name, a in inits.items():
            m = mine[g].get(name)
            if m is None or m.shape != a.shape or m.dtype != a.dtype:
                raise SystemExit(f"{g}: {name} {a.shape} {a.dtype} has no counterpart in the re-export")
            if a.size and a.dtype.kind in "fiu":
                worst = max(worst, float(np.abs(m.astype(np.float64) - a.astype(np.float64)).max()))
            n += 1
    return n, worst


def renamed(inits, old, new):
    """initializers(...) with the named ones' prefix `old` replaced by `new` (anonymous `onnx::` ones kept), for a
    graph exported from a submodule or under another wrapper attribute than `m.`: e.g. tiny-vlm's vision_encoder.onnx
    (exported from model.vision, names without prefix: renamed(inits, "", "m.vision.")) or its decoder
    (DecoderExport's `d.`: renamed(inits, "d.", "m.decoder.")), so that `fill` with its default prefix finds them."""
    return {(new + n[len(old):] if n.startswith(old) and not n.startswith("onnx::") else n): a
            for n, a in inits.items()}


def recover(make, exported, probe_graphs, committed):
    """Weights of a model built by `make()` read back from its committed export. A probe with random weights is
    exported by the trainer's own `exported(model, graphs)` over `probe_graphs` to name the anonymous MatMul
    initializers; `committed` ({graph: initializers}, already renamed to `fill`'s state-dict names) then fills a fresh
    model. Exits naming any parameter the export does not hold."""
    torch.manual_seed(0)
    probe = make().eval()
    params = {k: v.detach().numpy() for k, v in probe.state_dict().items() if v.dtype.is_floating_point}
    anon = anonymous_names(params, exported(probe, probe_graphs))
    model = make()
    sd = model.state_dict()
    filled = fill(sd, committed, anon)
    missing = [k for k, v in sd.items() if v.dtype.is_floating_point and k not in filled]
    if missing:
        raise SystemExit(f"not found in the export: {missing}")
    model.load_state_dict(sd)
    return model.eval()
