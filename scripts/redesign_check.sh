#!/usr/bin/env bash
# A redesign changes no number: small runs of every task (image glimpses with both learned location
# policies, image patches, text, dialogue; adaptive and fixed policies each), written to OUT. Run it
# before and after a change with the same machine, then compare with scripts/compare_runs.py.
#   bash scripts/redesign_check.sh build /tmp/before && ... && bash scripts/redesign_check.sh build /tmp/after
#   /usr/bin/python3 scripts/compare_runs.py /tmp/before /tmp/after
set -euo pipefail
BUILD=${1:?usage: redesign_check.sh BUILD OUT}
OUT=${2:?usage: redesign_check.sh BUILD OUT}
cd "$(dirname "$0")/.."
S="$BUILD/saccade"
C=experiments/configs
IMAGE=(env.dataset=digits env.canvas=16 env.clutter.pieces=2 env.clutter.size=4 env.preview_factor=2
       reader.hidden=32 reader.glimpse_hidden=32 train.epochs=2 train.batch_size=32 eval.examples=200)
run() { local name=$1; shift; echo "== $name"; "$S" run "$@" --out "$OUT/$name" > "$OUT/$name.log" 2>&1 || { cat "$OUT/$name.log"; exit 1; }; }
mkdir -p "$OUT"
run glimpse-gaussian $C/image_ram.yaml "${IMAGE[@]}" env.retina.size=4 env.retina.scales=2 policy.budget=3 \
    policy.type=gaussian 'eval.policies=[center,random,grid,saliency,fc]'
run glimpse-spatial $C/image_ram.yaml "${IMAGE[@]}" env.retina.size=4 env.retina.scales=2 policy.budget=3 \
    policy.type=spatial policy.stop=true train.keep=best 'eval.policies=[grid,saliency]'
run patch-topk $C/image_patches.yaml "${IMAGE[@]}" env.grid=4 policy.budget=4 reader.heads=2 policy.hidden=16 \
    'eval.policies=[center,random,grid,saliency,all,fc]'
TEXT=(train.epochs=2 train.examples=512 eval.examples=128 reader.hidden=16 reader.heads=2 reader.init= policy.hidden=16)
run text-jump $C/text_skim.yaml "${TEXT[@]}" policy.type=jump policy.stop=true 'eval.policies=[first,last,random,spaced,salient,all]'
run text-topk $C/text_skim.yaml "${TEXT[@]}" policy.type=topk policy.baseline=learned policy.reward=probability \
    policy.entropy=0.01 policy.normalize_advantage=true 'eval.policies=[salient,spaced]'
DIALOGUE=(train.epochs=2 env.dialogue.train_size=300 env.dialogue.eval_size=64 reader.hidden=16 reader.heads=2 policy.hidden=16)
run dialogue-topk $C/dialogue_turns.yaml "${DIALOGUE[@]}" policy.type=topk 'eval.policies=[last,last_user,first,random,all]'
run dialogue-jump $C/dialogue_turns.yaml "${DIALOGUE[@]}" policy.type=jump policy.stop=true policy.target_regions=3 \
    'eval.policies=[last,random]'
echo "runs in $OUT"
