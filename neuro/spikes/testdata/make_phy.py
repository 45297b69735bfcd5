"""Writes testdata/phy, a small Kilosort/Phy output folder, with numpy.

Run from neuro/spikes: python3 testdata/make_phy.py. The folder mimics what
Kilosort 2.5 writes and Phy adds on its first save: spike_times.npy (uint64
samples, shape (n, 1)), spike_clusters.npy (int32, Phy's curated ids, with
cluster 3 merged away into 12), spike_templates.npy (uint32, Kilosort's
templates), params.py, cluster_KSLabel.tsv, cluster_group.tsv (Phy's
labels, which differ from Kilosort's for cluster 5) and cluster_info.tsv.
"""
import numpy as np

rng = np.random.default_rng(2024)
fs = 30000.0
n = 400
samples = np.sort(rng.integers(0, int(60 * fs), n)).astype(np.uint64)
templates = rng.integers(0, 6, n).astype(np.uint32)
clusters = np.array([0, 1, 3, 5, 7, 12], dtype=np.int32)[templates]
clusters[clusters == 3] = 12
np.save("testdata/phy/spike_times.npy", samples.reshape(-1, 1))
np.save("testdata/phy/spike_clusters.npy", clusters)
np.save("testdata/phy/spike_templates.npy", templates)
with open("testdata/phy/params.py", "w") as f:
    f.write("dat_path = 'continuous.dat'\nn_channels_dat = 385\ndtype = 'int16'\noffset = 0\n"
            "sample_rate = 30000.  # Hz\nhp_filtered = False\n")
with open("testdata/phy/cluster_KSLabel.tsv", "w") as f:
    f.write("cluster_id\tKSLabel\n0\tgood\n1\tmua\n3\tgood\n5\tgood\n7\tmua\n12\tgood\n")
with open("testdata/phy/cluster_group.tsv", "w") as f:
    f.write("cluster_id\tgroup\n0\tgood\n1\tmua\n5\tnoise\n7\tmua\n12\tgood\n")
with open("testdata/phy/cluster_info.tsv", "w") as f:
    f.write("cluster_id\tAmplitude\tContamPct\tKSLabel\tch\tdepth\tgroup\tn_spikes\n")
    for c, ch in zip([0, 1, 5, 7, 12], [4, 17, 17, 30, 52]):
        f.write(f"{c}\t{rng.uniform(20, 90):.1f}\t{rng.uniform(0, 30):.1f}\tgood\t{ch}\t{20 * ch}\t\t{(clusters == c).sum()}\n")
