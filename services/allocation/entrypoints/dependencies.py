"""What the allocation routes depend on: the ports the composition root provides."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from pydantic import BaseModel, ConfigDict

from services.allocation.application.queries import (
    AllocationQueries,
    AuthorityPolicy,
    Directory,
)
from shared.http.dependencies import provider

queries = provider(AllocationQueries)
directory = provider(Directory)
policy = provider(AuthorityPolicy)
QueriesDep = Annotated[AllocationQueries, Depends(queries)]
DirectoryDep = Annotated[Directory, Depends(directory)]
PolicyDep = Annotated[AuthorityPolicy, Depends(policy)]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")
