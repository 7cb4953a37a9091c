"""A Dask LocalCluster per worker count, started once per test session and closed at the end."""
from __future__ import annotations

import pytest

pytest.importorskip("distributed")


@pytest.fixture(scope="session")
def cluster_factory():
    from distributed import Client, LocalCluster

    # One numba / BLAS thread per worker process: two workers on two cores do not oversubscribe.
    # Set in the workers' environment only: numba refuses a thread count changed in this
    # process once its threads are running.
    env = {var: "1" for var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    made = {}

    def get(n_workers: int):
        if n_workers not in made:
            cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                   dashboard_address=":0", memory_limit="2GiB", silence_logs=40, env=env)
            client = Client(cluster)
            client.wait_for_workers(n_workers, timeout=120)
            made[n_workers] = (cluster, client)
        return made[n_workers][1]

    yield get
    for cluster, client in made.values():
        client.close()
        cluster.close()


@pytest.fixture(scope="session")
def client(cluster_factory):
    return cluster_factory(2)
