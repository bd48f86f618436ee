#include "core/conv_kernels.hpp"

#include <algorithm>
#include <cstring>

#include "core/clones.hpp"

namespace saccade::kernels {
namespace {

// The output positions [lo, hi) along one axis whose input position (out + offset - pad) is inside
// [0, size): the rest of a column row is padding.
struct Span {
  std::size_t lo, hi;
};
Span inside(std::size_t offset, std::size_t pad, std::size_t size, std::size_t out) {
  const std::size_t hi = std::min(out, size + pad > offset ? size + pad - offset : 0);
  const std::size_t lo = std::min(offset < pad ? pad - offset : 0, hi);
  return {lo, hi};
}

}  // namespace

// Row (c, i, j) of the columns, one image after the other: each image's part is its plane c shifted by
// (i - pad, j - pad), copied one line at a time with the padding zeroed around it. Looping over the
// images inside (c, i, j) re-reads the same B planes kh kw times while they are still in cache.
SACCADE_CLONES
void im2col(const float* __restrict x, const ConvGeometry& g, float* __restrict col) {
  const std::size_t ho = g.out_h(), wo = g.out_w(), plane = g.height * g.width, image = ho * wo;
  for (std::size_t c = 0; c < g.channels; ++c) {
    for (std::size_t i = 0; i < g.kh; ++i) {
      const Span sy = inside(i, g.pad, g.height, ho);
      for (std::size_t j = 0; j < g.kw; ++j) {
        const Span sx = inside(j, g.pad, g.width, wo);
        float* row = col + ((c * g.kh + i) * g.kw + j) * g.cols();
        for (std::size_t b = 0; b < g.batch; ++b) {
          const float* src = x + (b * g.channels + c) * plane;
          float* dst = row + b * image;
          std::fill(dst, dst + sy.lo * wo, 0.0f);
          for (std::size_t y = sy.lo; y < sy.hi; ++y) {
            float* d = dst + y * wo;
            std::fill(d, d + sx.lo, 0.0f);
            if (sx.hi > sx.lo) {
              const float* s = src + (y + i - g.pad) * g.width + (sx.lo + j - g.pad);
              std::memcpy(d + sx.lo, s, (sx.hi - sx.lo) * sizeof(float));
            }
            std::fill(d + sx.hi, d + wo, 0.0f);
          }
          std::fill(dst + sy.hi * wo, dst + image, 0.0f);
        }
      }
    }
  }
}

// The same walk as im2col, adding instead of copying and skipping the padding.
SACCADE_CLONES
void col2im(const float* __restrict dcol, const ConvGeometry& g, float* __restrict dx) {
  const std::size_t ho = g.out_h(), wo = g.out_w(), plane = g.height * g.width, image = ho * wo;
  for (std::size_t c = 0; c < g.channels; ++c) {
    for (std::size_t i = 0; i < g.kh; ++i) {
      const Span sy = inside(i, g.pad, g.height, ho);
      for (std::size_t j = 0; j < g.kw; ++j) {
        const Span sx = inside(j, g.pad, g.width, wo);
        const std::size_t n = sx.hi - sx.lo;
        const float* row = dcol + ((c * g.kh + i) * g.kw + j) * g.cols();
        for (std::size_t b = 0; b < g.batch; ++b) {
          float* dst = dx + (b * g.channels + c) * plane;
          const float* src = row + b * image;
          for (std::size_t y = sy.lo; y < sy.hi && n > 0; ++y) {
            float* d = dst + (y + i - g.pad) * g.width + (sx.lo + j - g.pad);
            const float* s = src + y * wo + sx.lo;
            for (std::size_t k = 0; k < n; ++k) d[k] += s[k];
          }
        }
      }
    }
  }
}

SACCADE_CLONES
void channel_major_to_nchw(const float* __restrict t, const float* __restrict bias, std::size_t o, std::size_t b,
                           std::size_t p, float* __restrict out) {
  for (std::size_t ob = 0; ob < o; ++ob) {
    const float add = bias ? bias[ob] : 0.0f;
    for (std::size_t bb = 0; bb < b; ++bb) {
      const float* s = t + (ob * b + bb) * p;
      float* d = out + (bb * o + ob) * p;
      for (std::size_t k = 0; k < p; ++k) d[k] = s[k] + add;
    }
  }
}

SACCADE_CLONES
void nchw_to_channel_major(const float* __restrict g, std::size_t o, std::size_t b, std::size_t p, float* __restrict t,
                           float* __restrict bias_grad) {
  for (std::size_t ob = 0; ob < o; ++ob) {
    float total = 0.0f;
    for (std::size_t bb = 0; bb < b; ++bb) {
      const float* s = g + (bb * o + ob) * p;
      float* d = t + (ob * b + bb) * p;
      for (std::size_t k = 0; k < p; ++k) {
        d[k] = s[k];
        total += s[k];
      }
    }
    if (bias_grad) bias_grad[ob] += total;
  }
}

// 2 x 2 windows without branches: which of four values is largest is a coin flip on real data, and
// with a branch per comparison (the general loop below, or g++'s own reading of ?:) pooling took 7-10%
// of a training step of the `cnn` reference in perf, 4% like this. The same choice as the general
// loop: the first maximum in row-major order (a, b, c, d).
namespace {
SACCADE_CLONES
void max_pool_2x2(const float* x, std::size_t planes, std::size_t h, std::size_t w, float* out, std::uint32_t* arg) {
  const std::size_t ho = h / 2, wo = w / 2;
  for (std::size_t pl = 0; pl < planes; ++pl) {
    const float* src = x + pl * h * w;
    for (std::size_t oy = 0; oy < ho; ++oy) {
      const std::uint32_t top = static_cast<std::uint32_t>(2 * oy * w);
      const float* r0 = src + top;
      const float* r1 = r0 + w;
      for (std::size_t ox = 0; ox < wo; ++ox) {
        const float a = r0[2 * ox], b = r0[2 * ox + 1], c = r1[2 * ox], d = r1[2 * ox + 1];
        // Comparisons as 0/1 numbers and maxima as max instructions: nothing for g++ to turn back into
        // a branch.
        const auto right0 = static_cast<std::uint32_t>(b > a), right1 = static_cast<std::uint32_t>(d > c);
        const float m0 = std::max(a, b), m1 = std::max(c, d);
        const auto lower = static_cast<std::uint32_t>(m1 > m0);
        out[ox] = std::max(m0, m1);
        arg[ox] = top + static_cast<std::uint32_t>(2 * ox) + lower * (static_cast<std::uint32_t>(w) + right1) + (1 - lower) * right0;
      }
      out += wo;
      arg += wo;
    }
  }
}
}  // namespace

void max_pool(const float* x, std::size_t planes, std::size_t h, std::size_t w, std::size_t k, float* out,
              std::uint32_t* arg) {
  if (k == 2) return max_pool_2x2(x, planes, h, w, out, arg);
  const std::size_t ho = h / k, wo = w / k;
  for (std::size_t pl = 0; pl < planes; ++pl) {
    const float* src = x + pl * h * w;
    for (std::size_t oy = 0; oy < ho; ++oy) {
      for (std::size_t ox = 0; ox < wo; ++ox) {
        std::size_t best = oy * k * w + ox * k;
        for (std::size_t dy = 0; dy < k; ++dy) {
          const std::size_t line = (oy * k + dy) * w + ox * k;
          for (std::size_t dx = 0; dx < k; ++dx) {
            if (src[line + dx] > src[best]) best = line + dx;
          }
        }
        *out++ = src[best];
        *arg++ = static_cast<std::uint32_t>(best);
      }
    }
  }
}

void max_pool_backward(const float* gout, const std::uint32_t* arg, std::size_t planes, std::size_t out_size,
                       std::size_t plane_size, float* gx) {
  for (std::size_t pl = 0; pl < planes; ++pl) {
    float* d = gx + pl * plane_size;
    for (std::size_t i = 0; i < out_size; ++i) d[arg[i]] += gout[i];
    gout += out_size;
    arg += out_size;
  }
}

}  // namespace saccade::kernels
