// The soft relaxation behind the soft top-k policy's straight-through estimator
// (agents/differentiable_top_k.hpp).
//
// relaxed_top_k is the successive-softmax relaxed k-hot of Xie & Ermon 2019 ("Reparameterizable
// subset sampling via continuous relaxations", after Plötz & Roth 2018): over keys x (scores, plus
// Gumbel noise when sampling),
//
//   z_1 = x
//   a_j = softmax(z_j / tau)                       j = 1 .. k
//   z_{j+1} = z_j + log max(1 - a_j, eps)          (what a_j took is suppressed for the next pick)
//   khot = sum_j a_j                               [B, R], each row sums to k
//
// Why this one: as tau -> 0, a_j tends to the one-hot of the j-th largest key, so khot tends to the
// exact k-hot of the top k of the same keys the forward draws from (the straight-through gradient is
// the gradient of a relaxation of the very sample taken); for any tau each row sums to k, as the hard
// k-hot does; and it is a few softmaxes built from the autograd's own ops (each with its backward
// beside its forward, core/ops_*.cpp), one deterministic pass, where Cordonnier et al.'s perturbed
// top-k averages many noisy top-k solutions. eps (1e-6) keeps the log finite once a region's mass is
// spent; its gradient is then 0 on that path.
//
// Its known weakness, left as it is: where two keys are within about tau of each other, a softmax
// splits its mass between them, the suppression log(1 - a) removes only part of each, and a later
// softmax may give the same region mass again: an entry can exceed 1 (the row still sums to k). The
// forward is unaffected (the weights are exactly 1); only the gradient is that of a blurrier k-hot.
//
// Regions `missing` flags are out of reach (key -1e9); an example with m < k regions sums only its
// first m softmaxes (as it draws only m regions).
#pragma once

#include "core/autograd.hpp"
#include "core/tensor.hpp"

namespace saccade {

// keys [B, R], missing [B, R] (1: out of reach); returns khot [B, R].
Var relaxed_top_k(const Var& keys, const Array& missing, std::size_t k, float tau);

// The straight-through estimator: the value of `hard`, the gradient of `soft` (identity). Computed as
// hard + (soft - detach(soft)): soft - soft is exactly +0 for finite floats, so the value is exactly
// `hard` (a NaN in soft stays visible as NaN).
Var straight_through(const Array& hard, const Var& soft);

}  // namespace saccade
