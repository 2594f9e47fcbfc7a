"""``python -m benchmarks readme``: the README's speed section is rewritten from a full run's results.json, between
its markers only, and says which loop each figure measures."""

import json

import pytest

from benchmarks import readme


def test_the_section_between_the_markers_comes_from_the_results(tmp_path):
    page = tmp_path / "README.md"
    page.write_text(f"before\n{readme.BEGIN}\nold figures\n{readme.END}\nafter\n", encoding="utf-8")
    assert readme.update(readme=str(page))
    text = page.read_text(encoding="utf-8")
    assert text.startswith(f"before\n{readme.BEGIN}\n") and text.endswith(f"{readme.END}\nafter\n")
    assert "old figures" not in text and "| mode | loop |" in text and "loss read every step" in text
    assert not readme.update(readme=str(page))  # regenerating changes nothing


def test_a_quick_run_or_a_readme_without_markers_is_refused(tmp_path):
    page = tmp_path / "README.md"
    page.write_text("no markers\n", encoding="utf-8")
    with pytest.raises(ValueError, match="must hold"):
        readme.update(readme=str(page))
    results = json.loads(open(readme.RESULTS, encoding="utf-8").read())
    results["plan"]["name"] = "quick"
    quick = tmp_path / "results.json"
    quick.write_text(json.dumps(results), encoding="utf-8")
    with pytest.raises(ValueError, match="quick run"):
        readme.update(readme=str(page), results_path=str(quick))
