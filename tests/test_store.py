import json, time
from interviewer.cli.main import main

def test_probe(indexed_home, tmp_path, capsys):
    f = tmp_path / "a.yaml"
    f.write_text("- answer: attention uses queries keys and values softmax scaled\n- answer: a react agent loops thought action observation\n")
    ts = []
    for i in range(3):
        t=time.time()
        rc = main(["run", "--answers", str(f), "--json", "--count", "2", "--track", "coding"])
        out = capsys.readouterr().out
        ts.append(time.time()-t)
    assert 0, ts
