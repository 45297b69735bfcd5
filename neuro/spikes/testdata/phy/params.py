dat_path = 'continuous.dat'
n_channels_dat = 385
dtype = 'int16'
offset = 0
sample_rate = 30000.  # Hz
hp_filtered = False
