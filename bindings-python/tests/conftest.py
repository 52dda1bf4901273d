import pytest

import webex_emergency as we


@pytest.fixture()
def sim():
    with we.Simulator(size=300) as s:
        yield s


@pytest.fixture()
def ids(sim):
    return sim.directory(1000)


@pytest.fixture()
def client(sim):
    return sim.client(max_retries=2)
