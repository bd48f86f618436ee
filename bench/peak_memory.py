"""Runs a command and prints one JSON line with its peak resident memory (the child's ru_maxrss):
    /usr/bin/python3 bench/peak_memory.py NAME -- COMMAND ARGS...
`make bench` measures a whole RAM training run this way, saccade's and PyTorch's."""
import json
import resource
import subprocess
import sys


def main():
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        sys.exit(__doc__)
    name, command = sys.argv[1], sys.argv[3:]
    done = subprocess.run(command, stdout=subprocess.DEVNULL)
    if done.returncode != 0:
        sys.exit(f"peak_memory: {' '.join(command)} exited with {done.returncode}")
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    print(json.dumps({"memory": name, "peak_rss_mb": peak_kib / 1024}))


if __name__ == "__main__":
    main()
