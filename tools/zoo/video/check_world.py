#!/usr/bin/python3
"""Checks a folder written by world.py against the world's text (shared/docs/zoo-worlds.md, "Video world"):
the files (ffprobe: codec, pixel format, frame count, size, audio stream or none, 16 kHz mono), and every label
(canvas, duration, margins, no overlap in any frame, travel 30..60%, events only on still objects hiding 25..45% of
the frames, event times, description order, questions). Exits 1 on the first violation.

    /usr/bin/python3 tools/zoo/video/check_world.py DIR
"""
import json
import os
import subprocess
import sys


def probe(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-show_streams", "-of", "json", path],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["streams"]


def check(d):
    recs = [json.loads(line) for line in open(os.path.join(d, "labels.jsonl"), encoding="utf-8")]
    keys = ["file", "width", "height", "fps", "frames", "duration", "objects", "audio_text", "description", "qa"]
    stats = {"webm": 0, "audio": 0, "two": 0, "appears": 0, "disappears": 0}
    for r in recs:
        f = r["file"]
        assert list(r) == keys, (f, list(r))
        assert 96 <= r["width"] <= 192 and 96 <= r["height"] <= 192, f
        assert r["fps"] == 8 and 16 <= r["frames"] <= 32 and abs(r["duration"] - r["frames"] / 8) < 1e-9, f
        n, w, h = r["frames"], r["width"], r["height"]
        objs = r["objects"]
        assert 1 <= len(objs) <= 2, f
        if len(objs) == 2:
            stats["two"] += 1
            a, b = objs
            assert (a["shape"], a["colour"]) != (b["shape"], b["colour"]), f
            for ba, bb in zip(a["boxes"], b["boxes"]):
                if ba and bb:
                    assert ba[2] <= bb[0] or bb[2] <= ba[0] or ba[3] <= bb[1] or bb[3] <= ba[1], (f, "overlap")
        events = 0
        for o in objs:
            assert list(o) == ["shape", "colour", "motion", "event", "event_time", "boxes"], f
            assert len(o["boxes"]) == n, f
            vis = [bx is not None for bx in o["boxes"]]
            for bx in o["boxes"]:
                if bx:
                    assert bx[0] >= 4 and bx[1] >= 4 and bx[2] <= w - 4 and bx[3] <= h - 4, (f, "margin", bx)
                    side = max(bx[2] - bx[0], bx[3] - bx[1])
                    assert 0.15 * min(w, h) - 1.5 <= side <= 0.25 * min(w, h) + 1, (f, "size", side)
            boxes = [bx for bx in o["boxes"] if bx]
            cx = [(bx[0] + bx[2]) / 2 for bx in boxes]
            cy = [(bx[1] + bx[3]) / 2 for bx in boxes]
            m = o["motion"]
            if m == "still":
                assert max(cx) - min(cx) <= 1 and max(cy) - min(cy) <= 1, (f, "still moves")
            else:
                horiz = m in ("left", "right")
                c = cx if horiz else cy
                side = w if horiz else h
                travel = (c[-1] - c[0]) * (1 if m in ("right", "down") else -1)
                assert 0.30 * side - 2 <= travel <= 0.60 * side + 2, (f, "travel", travel / side)
                steps = [b - a for a, b in zip(c, c[1:])]
                assert all(s * (1 if m in ("right", "down") else -1) >= -1 for s in steps), (f, "monotonic")
            if o["event"] is None:
                assert all(vis) and o["event_time"] is None, f
                continue
            events += 1
            stats[o["event"]] += 1
            assert m == "still", (f, "event on a moving object")
            hidden = vis.count(False)
            assert 0.25 * n <= hidden <= 0.45 * n, (f, "hidden share", hidden / n)
            if o["event"] == "appears":
                assert vis == [False] * hidden + [True] * (n - hidden), f
                assert abs(o["event_time"] - hidden / 8) < 1e-9, f
            else:
                assert vis == [True] * (n - hidden) + [False] * hidden, f
                assert abs(o["event_time"] - (n - hidden) / 8) < 1e-9, f
        assert events <= 1, f
        # description: centre further left in the middle frame first (an invisible still object: where it is drawn)
        def mid_cx(o):
            bx = o["boxes"][n // 2] or next(b for b in o["boxes"] if b)
            return (bx[0] + bx[2]) / 2
        assert all(mid_cx(a) <= mid_cx(b) for a, b in zip(objs, objs[1:])), (f, "order")

        def phrase(o):
            v = o["event"] or ("stays still" if o["motion"] == "still" else "moves " + o["motion"])
            return f"a {o['colour']} {o['shape']} {v}"
        assert r["description"] == " and ".join(phrase(o) for o in objs), f
        qa = {x["question"]: x["answer"] for x in r["qa"]}
        for o in objs:
            assert qa[f"which way does the {o['colour']} {o['shape']} move?"] == \
                ("nowhere" if o["motion"] == "still" else o["motion"]), f
        for ev in ("appears", "disappears"):
            hit = [f"{o['colour']} {o['shape']}" for o in objs if o["event"] == ev]
            assert qa[f"what {ev}?"] == (hit[0] if hit else "nothing"), f
        assert qa["how many shapes are there?"] == ["one", "two"][len(objs) - 1], f
        assert qa["describe the video."] == r["description"], f
        # the file
        streams = probe(os.path.join(d, f))
        v = [s for s in streams if s["codec_type"] == "video"]
        a = [s for s in streams if s["codec_type"] == "audio"]
        assert len(v) == 1 and v[0]["pix_fmt"] == "yuv420p", (f, v)
        assert v[0]["codec_name"] == ("vp9" if f.endswith(".webm") else "h264"), f
        assert (v[0]["width"], v[0]["height"]) == (w, h), f
        assert int(v[0]["nb_read_frames"]) == n, (f, v[0]["nb_read_frames"], n)
        stats["webm"] += f.endswith(".webm")
        if r["audio_text"] is None:
            assert not a, (f, "audio stream without text")
        else:
            stats["audio"] += 1
            assert len(a) == 1 and int(a[0]["sample_rate"]) == 16000 and a[0]["channels"] == 1, (f, a)
    print(f"{len(recs)} clips ok: {stats}")


if __name__ == "__main__":
    check(sys.argv[1])
