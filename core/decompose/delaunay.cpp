#include "decompose/delaunay.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace phasewise::core {
namespace {
struct Triangle {
  int a, b, c;
  double cx, cy, r2;  // circumcircle
};

Triangle makeTriangle(int a, int b, int c, const std::vector<double>& x, const std::vector<double>& y) {
  const double ax = x[static_cast<std::size_t>(a)], ay = y[static_cast<std::size_t>(a)];
  const double bx = x[static_cast<std::size_t>(b)], by = y[static_cast<std::size_t>(b)];
  const double cx = x[static_cast<std::size_t>(c)], cy = y[static_cast<std::size_t>(c)];
  const double d = 2 * (ax * (by - cy) + bx * (cy - ay) + cx * (ay - by));
  Triangle t{a, b, c, 0, 0, 1e300};
  if (std::abs(d) < 1e-300) return t;  // degenerate: contains everything, removed at once
  const double a2 = ax * ax + ay * ay, b2 = bx * bx + by * by, c2 = cx * cx + cy * cy;
  t.cx = (a2 * (by - cy) + b2 * (cy - ay) + c2 * (ay - by)) / d;
  t.cy = (a2 * (cx - bx) + b2 * (ax - cx) + c2 * (bx - ax)) / d;
  t.r2 = (ax - t.cx) * (ax - t.cx) + (ay - t.cy) * (ay - t.cy);
  return t;
}
}  // namespace

std::vector<std::pair<std::int64_t, std::int64_t>> delaunayEdges(const std::vector<double>& x_in,
                                                                 const std::vector<double>& y_in) {
  const auto n = static_cast<int>(x_in.size());
  std::vector<std::pair<std::int64_t, std::int64_t>> edges;
  if (n < 2) return edges;
  if (n == 2) return {{0, 1}};
  std::vector<double> x = x_in, y = y_in;
  // Tiny deterministic jitter breaks the exact co-circularity of regular grids.
  for (int i = 0; i < n; ++i) {
    x[static_cast<std::size_t>(i)] += 1e-9 * std::sin(12.9898 * i);
    y[static_cast<std::size_t>(i)] += 1e-9 * std::cos(78.233 * i);
  }
  const double minx = *std::min_element(x.begin(), x.end()), maxx = *std::max_element(x.begin(), x.end());
  const double miny = *std::min_element(y.begin(), y.end()), maxy = *std::max_element(y.begin(), y.end());
  const double span = std::max(maxx - minx, maxy - miny) + 1e-12;
  const double mx = 0.5 * (minx + maxx), my = 0.5 * (miny + maxy);
  // A super-triangle enclosing every point.
  x.insert(x.end(), {mx - 20 * span, mx, mx + 20 * span});
  y.insert(y.end(), {my - span, my + 20 * span, my - span});
  std::vector<Triangle> triangles{makeTriangle(n, n + 1, n + 2, x, y)};
  for (int p = 0; p < n; ++p) {
    const double px = x[static_cast<std::size_t>(p)], py = y[static_cast<std::size_t>(p)];
    std::vector<std::pair<int, int>> boundary;
    std::vector<Triangle> kept;
    for (const Triangle& t : triangles) {
      if ((px - t.cx) * (px - t.cx) + (py - t.cy) * (py - t.cy) < t.r2) {
        for (auto e : {std::make_pair(t.a, t.b), std::make_pair(t.b, t.c), std::make_pair(t.c, t.a)}) {
          const auto reversed = std::make_pair(e.second, e.first);
          const auto it = std::find(boundary.begin(), boundary.end(), reversed);
          if (it != boundary.end())
            boundary.erase(it);  // shared by two removed triangles
          else
            boundary.push_back(e);
        }
      } else {
        kept.push_back(t);
      }
    }
    for (const auto& [a, b] : boundary) kept.push_back(makeTriangle(a, b, p, x, y));
    triangles = std::move(kept);
  }
  std::set<std::pair<std::int64_t, std::int64_t>> unique;
  for (const Triangle& t : triangles) {
    for (auto [a, b] : {std::make_pair(t.a, t.b), std::make_pair(t.b, t.c), std::make_pair(t.c, t.a)}) {
      if (a >= n || b >= n) continue;
      unique.insert({std::min(a, b), std::max(a, b)});
    }
  }
  return {unique.begin(), unique.end()};
}

}  // namespace phasewise::core
