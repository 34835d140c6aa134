import sys, time, warnings
warnings.filterwarnings("ignore")
try:
    import numpy as np
    from sklearn.decomposition import NMF
except Exception as e:
    print("UNAVAILABLE", e); sys.exit(0)
folder, k, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
X = np.load(folder + "/XRD.npy").astype(np.float64)
Q = np.load(folder + "/Q.npy").astype(np.float64)
X = X / np.maximum(X.max(1, keepdims=True), 1e-300)
t = time.perf_counter()
model = NMF(n_components=k, solver="mu", beta_loss="kullback-leibler", init="nndsvda", max_iter=500, random_state=0)
H = model.fit_transform(X)
W = model.components_
seconds = time.perf_counter() - t
R = H @ W
with open(out, "w") as f:
    f.write("K=%d\n" % k)
    f.write("Q=" + ",".join("%.6f" % q for q in Q) + "\n")
    for i in range(k): f.write("B%d=" % (i + 1) + ",".join("%.8g" % v for v in W[i]) + "\n")
    for n in range(X.shape[0]): f.write("C%d=" % (n + 1) + ",".join("%.8g" % v for v in H[n]) + "\n")
print("RESULT", seconds, model.n_iter_, np.abs(X - R).sum() / np.abs(X).sum(), np.linalg.norm(X - R) / np.linalg.norm(X))
