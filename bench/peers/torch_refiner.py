import sys, time
try:
    import torch, torch.nn as nn, torch.nn.functional as F
except Exception as e:
    print("UNAVAILABLE", e); sys.exit(0)
points, channels, phases, count, batch, threads = map(int, sys.argv[1:7])
torch.set_num_threads(threads); torch.manual_seed(0)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        c = channels
        self.c1 = nn.Conv1d(1, c, 9, padding=4); self.c2 = nn.Conv1d(c, 2*c, 9, padding=4)
        self.c3 = nn.Conv1d(2*c, 2*c, 9, padding=4); self.c4 = nn.Conv1d(2*c, 2*c, 9, padding=4)
        self.hidden = nn.Linear(2*c*(points//16), 128); self.out = nn.Linear(128, phases); self.drop = nn.Dropout(0.3)
    def forward(self, x):
        for conv in (self.c1, self.c2, self.c3, self.c4): x = F.max_pool1d(F.relu(conv(x)), 2)
        return self.out(self.drop(F.relu(self.hidden(x.flatten(1)))))
net = Net(); opt = torch.optim.Adam(net.parameters(), lr=2e-3)
X = torch.rand(count, 1, points); Y = torch.randint(0, phases, (count,))
net.train(); t = time.perf_counter()
perm = torch.randperm(count)
for b in range(0, count, batch):
    idx = perm[b:b+batch]
    opt.zero_grad(); loss = F.cross_entropy(net(X[idx]), Y[idx]); loss.backward(); opt.step()
seconds = time.perf_counter() - t
print("RESULT", count / seconds, torch.__version__)
