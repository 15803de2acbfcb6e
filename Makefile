# Shortcuts; each target installs what it needs first.
.PHONY: demo test docs bench clean

demo:           ## install, check and render the Lot 2 example to out/lot2-partB.docx
	./scripts/demo

test:           ## install everything and run the whole test suite
	./scripts/test

docs:           ## build the guidance site into docs/_build/html
	./scripts/setup
	.venv/bin/sphinx-build -W --keep-going -n -b html docs docs/_build/html

bench:          ## print the benchmark figures (not a test)
	./scripts/setup
	.venv/bin/python bench/run.py

clean:
	rm -rf .venv docs/_build out .pytest_cache .mypy_cache .ruff_cache
