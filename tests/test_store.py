import cProfile, pstats, io
from interviewer.cli.main import main

def test_probe(indexed_home, tmp_path, capsys):
    f = tmp_path / "a.yaml"
    f.write_text("- answer: attention uses queries keys and values softmax scaled\n- answer: a react agent loops thought action observation\n")
    main(["run", "--answers", str(f), "--json", "--count", "2", "--track", "coding"])
    pr = cProfile.Profile(); pr.enable()
    main(["run", "--answers", str(f), "--json", "--count", "2", "--track", "coding"])
    pr.disable()
    s = io.StringIO(); pstats.Stats(pr, stream=s).sort_stats("cumulative").print_stats(40)
    open("/tmp/scratch/prof.txt","w").write(s.getvalue())
