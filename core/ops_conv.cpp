// Convolution and max-pooling on the tape, NCHW.
//
// conv2d is one matrix product per chunk of images: the chunk is unfolded into columns
// col [C kh kw, n Ho Wo] (im2col), and W [O, C kh kw] · col gives every output pixel of those images
// at once, channel-major [O, n, Ho Wo], which one pass turns into NCHW with the bias added. A chunk is
// as many images as fit 2 MiB of columns (images_per_chunk): large products (the weight packed once,
// wide enough for OpenBLAS's threads) whose columns stay in cache. Backward, per chunk, with G the
// output's gradient laid out as [O, n Ho Wo]:
//   dW += G · col^T,  db += G summed over its columns,  dcol = W^T · G, folded back into dx (col2im).
// The backward unfolds the columns again rather than keeping the forward's: a batch's columns are
// hundreds of megabytes, their unfolding a copy.
// max_pool2d keeps the index of each window's maximum, which its backward scatters the gradient to.
// The loops outside sgemm are in core/conv_kernels.cpp.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/conv_kernels.hpp"
#include "core/gemm.hpp"
#include "core/ops.hpp"
#include "core/ops_util.hpp"

namespace saccade {

namespace {

using kernels::ConvGeometry;

ConvGeometry conv_geometry(const Var& x, const Var& w, const Var& b, std::size_t pad) {
  const Array& X = x.value();
  const Array& W = w.value();
  if (X.dimension() != 4 || W.dimension() != 4 || W.shape()[1] != X.shape()[1] ||
      (b.defined() && (b.dim() != 1 || b.shape(0) != W.shape()[0]))) {
    detail::shape_error("conv2d", "cannot convolve " + detail::shape_str(X) + " [B,C,H,W] with weight " +
                                      detail::shape_str(W) + " [O,C,kh,kw] and bias " +
                                      (b.defined() ? detail::shape_str(b.value()) : std::string("(none)")) + " [O]");
  }
  const ConvGeometry g{.batch = X.shape()[0], .channels = X.shape()[1], .height = X.shape()[2], .width = X.shape()[3],
                       .kh = W.shape()[2], .kw = W.shape()[3], .pad = pad};
  if (g.height + 2 * pad < g.kh || g.width + 2 * pad < g.kw || g.kh == 0 || g.kw == 0) {
    detail::shape_error("conv2d", "a " + std::to_string(g.kh) + "x" + std::to_string(g.kw) + " kernel does not fit " +
                                      detail::shape_str(X) + " padded by " + std::to_string(pad));
  }
  return g;
}

// Scratch memory, one buffer per use, per thread, grown to the largest request and then kept. Fresh
// arrays of tens of megabytes (a batch's columns) come from the kernel page by page (glibc maps
// anything over 32 MiB anew), and those page faults cost as much as the arithmetic.
float* scratch(std::size_t slot, std::size_t n) {
  thread_local std::vector<float> buffers[2];
  std::vector<float>& b = buffers[slot];
  if (b.size() < n) b.resize(n);
  return b.data();
}
constexpr std::size_t kColumns = 0, kProduct = 1;

// Images per chunk: as many as keep the columns within kChunkFloats (2 MiB), at least one. Measured on
// the `cnn` reference's training step at batch 64 (one thread, this project's 2-core VM), 1 to 2 MiB
// of columns per chunk took 2.3-2.6 ms an example, 8 MiB 2.5-3.0 and the whole batch at once 2.8-3.0
// (noisy: others' jobs shared the machine):
// the columns are reused from cache rather than memory, and the products are still large (the 60x60
// first layer: 16 images, 57,600 columns, per sgemm).
constexpr std::size_t kChunkFloats = std::size_t{1} << 19;
std::size_t images_per_chunk(const ConvGeometry& g) {
  const std::size_t per_image = g.rows() * g.out_h() * g.out_w();
  return std::max<std::size_t>(1, std::min(g.batch, kChunkFloats / std::max<std::size_t>(per_image, 1)));
}

// The geometry of images [first, first + n) of the batch.
ConvGeometry chunk_of(ConvGeometry g, std::size_t first, std::size_t n) {
  g.batch = std::min(n, g.batch - first);
  return g;
}

void conv_backward(const Var& x, const Var& w, const Var& b, const ConvGeometry& g, const float* grad) {
  const std::size_t O = w.shape(0), K = g.rows(), P = g.out_h() * g.out_w(), in_image = g.channels * g.height * g.width;
  const std::size_t step = images_per_chunk(g);
  float* db = b.requires_grad() ? b.node()->grad_or_zeros().data() : nullptr;
  float* dw = w.requires_grad() ? w.node()->grad_or_zeros().data() : nullptr;
  float* dx = x.requires_grad() ? x.node()->grad_or_zeros().data() : nullptr;
  for (std::size_t first = 0; first < g.batch; first += step) {
    const ConvGeometry c = chunk_of(g, first, step);
    const std::size_t N = c.cols();
    float* col = scratch(kColumns, K * N);
    float* gt = scratch(kProduct, O * N);
    kernels::nchw_to_channel_major(grad + first * O * P, O, c.batch, P, gt, db);
    if (dw) {  // the columns again (cheaper than keeping a batch's worth from the forward)
      kernels::im2col(x.data() + first * in_image, c, col);
      gemm(false, true, O, K, N, 1.0f, gt, col, 1.0f, dw);
    }
    if (dx) {
      gemm(true, false, K, N, O, 1.0f, w.data(), gt, 0.0f, col);
      kernels::col2im(col, c, dx + first * in_image);
    }
  }
}

}  // namespace

Var conv2d(const Var& x, const Var& w, const Var& b, std::size_t padding) {
  const ConvGeometry g = conv_geometry(x, w, b, padding);
  const std::size_t O = w.shape(0), K = g.rows(), P = g.out_h() * g.out_w(), in_image = g.channels * g.height * g.width;
  Array y = Array::from_shape({g.batch, O, g.out_h(), g.out_w()});
  const std::size_t step = images_per_chunk(g);
  for (std::size_t first = 0; first < g.batch; first += step) {
    const ConvGeometry c = chunk_of(g, first, step);
    const std::size_t N = c.cols();
    float* col = scratch(kColumns, K * N);
    float* t = scratch(kProduct, O * N);
    kernels::im2col(x.data() + first * in_image, c, col);
    gemm(false, false, O, N, K, 1.0f, w.data(), col, 0.0f, t);
    kernels::channel_major_to_nchw(t, b.defined() ? b.data() : nullptr, O, c.batch, P, y.data() + first * O * P);
  }
  return make_op_result(std::move(y), "conv2d", {x, w, b},
                        [x, w, b, g](Node& out) { conv_backward(x, w, b, g, out.grad.data()); });
}

Var max_pool2d(const Var& x, std::size_t k) {
  const Array& X = x.value();
  if (X.dimension() != 4 || k == 0 || X.shape()[2] < k || X.shape()[3] < k) {
    detail::shape_error("max_pool2d", "cannot pool " + detail::shape_str(X) + " [B,C,H,W] in " + std::to_string(k) +
                                          "x" + std::to_string(k) + " windows");
  }
  const std::size_t planes = X.shape()[0] * X.shape()[1], h = X.shape()[2], w = X.shape()[3];
  const std::size_t ho = h / k, wo = w / k;
  Array y = Array::from_shape({X.shape()[0], X.shape()[1], ho, wo});
  std::shared_ptr<std::uint32_t[]> arg(new std::uint32_t[planes * ho * wo]);
  kernels::max_pool(X.data(), planes, h, w, k, y.data(), arg.get());
  return make_op_result(std::move(y), "max_pool2d", {x}, [x, arg, planes, ho, wo, h, w](Node& out) {
    kernels::max_pool_backward(out.grad.data(), arg.get(), planes, ho * wo, h * w, x.node()->grad_or_zeros().data());
  });
}

}  // namespace saccade
