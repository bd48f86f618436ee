// The memory-bound loops around a convolution's matrix product and max-pooling (core/ops_conv.cpp
// has the ops): unfolding images into columns (im2col) and folding gradients back (col2im), moving
// between the product's channel-major layout and NCHW, and the pooling's max and its scatter. They
// move most of a convolution's bytes outside sgemm, so conv_kernels.cpp is compiled like
// core/kernels.cpp: -O3, one clone per instruction set, -ffp-contract=off (the same result from every
// clone). Output arrays must not overlap the inputs.
#pragma once

#include <cstddef>
#include <cstdint>

namespace saccade::kernels {

// A stride-1 convolution of `batch` images [channels, height, width] with kh x kw kernels and `pad`
// zeros on every side.
struct ConvGeometry {
  std::size_t batch = 1, channels = 1, height = 1, width = 1, kh = 1, kw = 1, pad = 0;
  std::size_t out_h() const { return height + 2 * pad - kh + 1; }
  std::size_t out_w() const { return width + 2 * pad - kw + 1; }
  std::size_t rows() const { return channels * kh * kw; }             // the columns' rows
  std::size_t cols() const { return batch * out_h() * out_w(); }      // one per output pixel
};

// col [C kh kw, B Ho Wo]: col[(c kh + i) kw + j, (b Ho + y) Wo + x] = x[b, c, y + i - pad, x + j - pad],
// 0 outside the image. Every entry of col is written.
void im2col(const float* x, const ConvGeometry& g, float* col);
// Its adjoint: dx[b, c, y + i - pad, x + j - pad] += dcol[...] (entries outside the image dropped).
void col2im(const float* dcol, const ConvGeometry& g, float* dx);

// out[b, o, p] = t[o, b, p] + bias[o] (bias may be null): the product's [O, B, P] as NCHW [B, O, P].
void channel_major_to_nchw(const float* t, const float* bias, std::size_t o, std::size_t b, std::size_t p, float* out);
// t[o, b, p] = g[b, o, p], and bias_grad[o] += the sum of g[., o, .] when bias_grad is not null.
void nchw_to_channel_major(const float* g, std::size_t o, std::size_t b, std::size_t p, float* t, float* bias_grad);

// k x k max-pooling with stride k (the last rows and columns that do not fill a window are dropped) of
// `planes` planes [h, w]: out [planes, h / k, w / k], and arg the index in its plane of each maximum
// (the first one on ties), which the backward scatters to.
void max_pool(const float* x, std::size_t planes, std::size_t h, std::size_t w, std::size_t k, float* out,
              std::uint32_t* arg);
// gx[plane, arg[i]] += gout[i] for every output i.
void max_pool_backward(const float* gout, const std::uint32_t* arg, std::size_t planes, std::size_t out_size,
                       std::size_t plane_size, float* gx);

}  // namespace saccade::kernels
